package config

import (
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/progresskit/progresskit/service/cost"
)

func repoEnvironments(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile("../../cdk.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Context map[string]any }
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	envs, _ := doc.Context[ContextEnvironments].(map[string]any)
	return envs
}

func TestRepositoryEnvironmentsAreValid(t *testing.T) {
	envs := repoEnvironments(t)
	for _, env := range []string{"dev", "prod"} {
		sel, err := Select(env, "", "", envs)
		if err != nil {
			t.Fatalf("%s: %v", env, err)
		}
		if sel.Env != env || len(sel.Arches) != 1 || sel.Arches[0] != sel.Settings.DefaultArch {
			t.Fatalf("%s selected %+v", env, sel)
		}
	}
	if sel, err := Select("", ArchAll, "", envs); err != nil || sel.Env != DefaultEnv || len(sel.Arches) != 3 {
		t.Fatalf("defaults: %+v %v", sel, err)
	}
	if sel, _ := Select("prod", "", "", envs); !sel.Settings.Production {
		t.Fatal("prod is not marked production")
	}
}

// The store is the flag's, else the env's defaultStore, else the arch's
// own; a misspelt one stops synthesis with the valid values.
func TestStoreSelection(t *testing.T) {
	envs := repoEnvironments(t)
	for _, c := range []struct {
		arch, store, envDefault string
		want                    map[string]string
	}{
		{ArchAll, "", "", map[string]string{"lambda": "dynamodb", "fargate": "dynamodb", "ec2": "postgres"}},
		{"fargate", "postgres", "", map[string]string{"fargate": "postgres"}},
		{"ec2", "dynamodb", "", map[string]string{"ec2": "dynamodb"}},
		{ArchAll, "", "postgres", map[string]string{"lambda": "postgres", "fargate": "postgres", "ec2": "postgres"}},
		{"lambda", "dynamodb", "postgres", map[string]string{"lambda": "dynamodb"}},
	} {
		b, _ := json.Marshal(envs)
		var mine map[string]any
		json.Unmarshal(b, &mine)
		if c.envDefault != "" {
			mine["dev"].(map[string]any)["defaultStore"] = c.envDefault
		}
		sel, err := Select("dev", c.arch, c.store, mine)
		if err != nil || !reflect.DeepEqual(sel.Stores, c.want) {
			t.Errorf("arch=%s store=%q defaultStore=%q: %v %v, want %v", c.arch, c.store, c.envDefault, sel.Stores, err, c.want)
		}
	}
	sel, _ := Select("dev", ArchAll, "", envs)
	if used := sel.StoresUsed(); !reflect.DeepEqual(used, []string{"dynamodb", "postgres"}) {
		t.Errorf("stores used %v", used)
	}
	if _, err := Select("dev", "fargate", "postgress", envs); err == nil || !strings.Contains(err.Error(), `unknown store "postgress": valid values are dynamodb, postgres`) {
		t.Errorf("a misspelt store: %v", err)
	}
}

// '-c progresskit:environments=JSON' reaches the app as a string: it is
// read like cdk.json's object, and validated the same way.
func TestEnvironmentsAsJSONText(t *testing.T) {
	b, err := json.Marshal(repoEnvironments(t))
	if err != nil {
		t.Fatal(err)
	}
	sel, err := Select("prod", "", "", string(b))
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := Select("prod", "", "", repoEnvironments(t)); !reflect.DeepEqual(sel, want) {
		t.Errorf("from JSON text %+v, from the object %+v", sel, want)
	}
	if _, err := Select("prod", "", "", `{"prod": {"region": "us-east"}}`); err == nil || !strings.Contains(err.Error(), "region") {
		t.Errorf("invalid settings as JSON text: %v, want an error naming region", err)
	}
	if _, err := Select("prod", "", "", `{"prod": `); err == nil {
		t.Error("truncated JSON text accepted")
	}
}

// Every mistake in a setting is named, with what would be valid.
func TestMalformedSettingsStopSynthesis(t *testing.T) {
	mutate := func(f func(map[string]any)) map[string]any {
		b, _ := json.Marshal(repoEnvironments(t))
		var envs map[string]any
		json.Unmarshal(b, &envs)
		f(envs["dev"].(map[string]any))
		return envs
	}
	sizing := func(env map[string]any) map[string]any { return env["sizing"].(map[string]any) }
	cases := map[string]struct {
		f    func(map[string]any)
		want string
	}{
		"typo in a key":       {func(e map[string]any) { e["alarmEmial"] = "x@y.z" }, `unknown field "alarmEmial"`},
		"bad region":          {func(e map[string]any) { e["region"] = "us-east" }, "region"},
		"bad account":         {func(e map[string]any) { e["account"] = "1234" }, "12-digit"},
		"bad default arch":    {func(e map[string]any) { e["defaultArch"] = "k8s" }, "lambda, fargate, ec2"},
		"bad email":           {func(e map[string]any) { e["alarmEmail"] = "oncall" }, "alarmEmail"},
		"bad default store":   {func(e map[string]any) { e["defaultStore"] = "mysql" }, "dynamodb, postgres"},
		"bad retention":       {func(e map[string]any) { e["logRetentionDays"] = 10 }, "retention"},
		"x86 instance":        {func(e map[string]any) { sizing(e)["ec2InstanceType"] = "t3.small" }, "Graviton"},
		"misspelt instance":   {func(e map[string]any) { sizing(e)["ec2InstanceType"] = "t4g.smal" }, "nearest: t4g.small"},
		"misspelt class":      {func(e map[string]any) { sizing(e)["rdsInstanceClass"] = "db.t4g.mcro" }, "nearest: db.t4g.micro"},
		"fargate mismatch":    {func(e map[string]any) { sizing(e)["fargateMemoryMiB"] = 8192 }, "fargateMemoryMiB"},
		"lambda memory":       {func(e map[string]any) { sizing(e)["lambdaMemoryMB"] = 64 }, "lambdaMemoryMB"},
		"domain without cert": {func(e map[string]any) { e["domainName"] = "progress.example.com" }, "certificateArn"},
		"wrong type":          {func(e map[string]any) { e["production"] = "yes" }, "production"},
		"bad hosted zone": {func(e map[string]any) {
			e["domainName"], e["certificateArn"], e["hostedZoneId"] = "progress.example.com", "arn:aws:acm:us-east-1:123456789012:certificate/abc", "zone-1"
		}, "hostedZoneId"},
		"zone without domain": {func(e map[string]any) { e["hostedZoneId"] = "Z0123456789ABCDEFGHIJ" }, "needs domainName"},
		"lambda deployment":   {func(e map[string]any) { e["lambdaDeployment"] = "canary" }, "CANARY_10PERCENT_5MINUTES"},
		"fargate deployment":  {func(e map[string]any) { e["fargateDeployment"] = "bluegreen" }, `"bluegreen" is not one of rolling, blue-green`},
		"github repository":   {func(e map[string]any) { e["githubRepository"] = "https://github.com/x/y" }, "githubRepository"},
		"provider without repo": {func(e map[string]any) {
			e["githubOidcProviderArn"] = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
		}, "needs githubRepository"},
		"write ratio": {func(e map[string]any) { e["traffic"].(map[string]any)["writeRatio"] = 2 }, "writeRatio"},
	}
	for name, c := range cases {
		_, err := Select("prod", "", "", mutate(c.f))
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "env dev") {
			t.Errorf("%s: %v, want an error about env dev mentioning %q", name, err, c.want)
		}
	}
	if _, err := Select("dev", "", "", nil); err == nil {
		t.Error("no environments accepted")
	}
}

// What cdk.json may name is derived from the cost catalogue: its arm64
// types and its RDS classes, each with a price in every region, so a valid
// config never meets "no price".
func TestValidClassesComeFromTheCatalogue(t *testing.T) {
	tbl, err := cost.LoadTable()
	if err != nil {
		t.Fatal(err)
	}
	types, classes := EC2InstanceTypes(), RDSInstanceClasses()
	if !slices.Contains(types, "t4g.small") || slices.Contains(types, "t3.small") || !slices.Contains(classes, "db.t3.micro") {
		t.Errorf("EC2 types %v, RDS classes %v", types, classes)
	}
	for _, it := range types {
		if !tbl.EC2InstanceTypes[it].Arm64 {
			t.Errorf("EC2 type %s is not arm64", it)
		}
	}
	for _, region := range tbl.RegionNames() {
		p, _ := tbl.Region(region)
		for _, c := range classes {
			if !slices.Contains(p.RDSClasses(), c) {
				t.Errorf("%s: RDS class %s has no price", region, c)
			}
		}
		for _, c := range types {
			if !slices.Contains(p.EC2Types(), c) {
				t.Errorf("%s: EC2 type %s has no price", region, c)
			}
		}
	}
}

// fargateDeployment is the env's when set; without it production deploys
// blue/green and every other env rolls.
func TestFargateDeploymentDefaultsByProduction(t *testing.T) {
	for _, c := range []struct {
		set        string
		production bool
		want       string
	}{
		{"", true, FargateBlueGreen},
		{"", false, FargateRolling},
		{FargateRolling, true, FargateRolling},
		{FargateBlueGreen, false, FargateBlueGreen},
	} {
		s := Settings{FargateDeployment: c.set, Production: c.production}
		if got := s.FargateDeploymentStrategy(); got != c.want {
			t.Errorf("fargateDeployment %q, production %v: %s, want %s", c.set, c.production, got, c.want)
		}
	}
	envs := repoEnvironments(t)
	for env, want := range map[string]string{"dev": FargateRolling, "prod": FargateBlueGreen} {
		sel, err := Select(env, "", "", envs)
		if err != nil {
			t.Fatal(err)
		}
		if got := sel.Settings.FargateDeploymentStrategy(); got != want {
			t.Errorf("cdk.json's %s deploys Fargate %s, want %s", env, got, want)
		}
	}
}
