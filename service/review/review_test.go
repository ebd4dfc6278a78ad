package review

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeJSON(t *testing.T, path string, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

type res = map[string]any

// The pinned CDK diff library decides what is replaced, deleted or
// orphaned; the review names it and flags the stateful types.
func TestDiffTemplatesJudgesWithTheCDKLibrary(t *testing.T) {
	nodeModules, err := filepath.Abs("../../node_modules")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(nodeModules, DiffPackage)); err != nil {
		t.Fatalf("%v: run 'make tools' first", err)
	}
	dir := t.TempDir()
	table := func(key string) res {
		return res{"Type": "AWS::DynamoDB::Table", "DeletionPolicy": "Delete", "Properties": res{
			"KeySchema":            []res{{"AttributeName": key, "KeyType": "HASH"}},
			"AttributeDefinitions": []res{{"AttributeName": key, "AttributeType": "S"}},
			"BillingMode":          "PAY_PER_REQUEST"}}
	}
	queue := func(timeout int) res {
		return res{"Type": "AWS::SQS::Queue", "Properties": res{"VisibilityTimeout": timeout}}
	}
	old := writeJSON(t, filepath.Join(dir, "old.json"), res{"Description": "before", "Outputs": res{"Url": res{"Value": "a"}}, "Resources": res{
		"Table": table("pk"),
		"Pool":  res{"Type": "AWS::Cognito::UserPool", "DeletionPolicy": "Delete", "Properties": res{}},
		"Db":    res{"Type": "AWS::RDS::DBInstance", "DeletionPolicy": "Retain", "Properties": res{"Engine": "postgres"}},
		"Queue": queue(30),
	}})
	new := writeJSON(t, filepath.Join(dir, "new.json"), res{"Description": "after", "Outputs": res{"Url": res{"Value": "b"}, "Arn": res{"Value": "c"}}, "Resources": res{
		"Table": table("learner"),
		"Queue": queue(60),
		"Topic": res{"Type": "AWS::SNS::Topic"},
	}})
	diffs, err := diffTemplates(context.Background(), nodeModules, dir, []templatePair{
		{ID: "changed", Old: old, New: new}, {ID: "added", New: new}, {ID: "same", Old: new, New: new},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Resource{}
	for _, r := range diffs["changed"].resources() {
		got[r.LogicalID] = r
	}
	for id, want := range map[string]struct {
		change, impact string
		stateful       bool
	}{
		"Table": {Replaced, "WILL_REPLACE", true},
		"Pool":  {Removed, "WILL_DESTROY", true},
		"Db":    {Removed, "WILL_ORPHAN", true},
		"Queue": {Modified, "WILL_UPDATE", false},
		"Topic": {Added, "WILL_CREATE", false},
	} {
		r := got[id]
		if r.Change != want.change || r.Impact != want.impact || r.Stateful != want.stateful {
			t.Errorf("%s: %s %s stateful=%v, want %s %s stateful=%v", id, r.Change, r.Impact, r.Stateful, want.change, want.impact, want.stateful)
		}
	}
	if q := got["Queue"]; len(q.Properties) != 1 || q.Properties[0] != (Property{Name: "VisibilityTimeout", Impact: "WILL_UPDATE", Before: "30", After: "60"}) {
		t.Errorf("the queue's change: %+v", q.Properties)
	}
	var other []string
	for _, o := range diffs["changed"].Other {
		other = append(other, strings.Join(strings.Fields(o.Section+" "+o.Name+" "+o.Change+" "+o.Before+" "+o.After), " "))
	}
	if strings.Join(other, ", ") != "Description modified before after, Outputs Arn added, Outputs Url modified" {
		t.Errorf("changes outside the resources: %v", other)
	}
	for _, r := range diffs["added"].resources() {
		if r.Change != Added {
			t.Errorf("a new stack's %s is %s", r.LogicalID, r.Change)
		}
	}
	if n := len(diffs["same"].resources()) + len(diffs["same"].Other); n != 0 {
		t.Errorf("identical templates differ in %d resources", n)
	}

	// Replaced and removed stateful resources block, in a stack both
	// synthesize; a stack the working tree no longer synthesizes is not
	// deleted by deploying it.
	stacks := []Stack{
		{Name: "Progress-dev-Data", Status: StackChanged, Resources: diffs["changed"].resources()},
		{Name: "Progress-dev-Gone", Status: StackRemoved, Resources: []Resource{{LogicalID: "T", Type: "AWS::DynamoDB::Table", Change: Removed, Stateful: true}}},
	}
	var flagged []string
	for _, s := range statefulChanges(stacks) {
		flagged = append(flagged, s.LogicalID+" "+s.Change)
	}
	if strings.Join(flagged, ", ") != "Db removed, Pool removed, Table replaced" {
		t.Errorf("stateful changes: %v", flagged)
	}
}

func est(arch, store string, total float64, items ...any) estimate {
	e := estimate{Arch: arch, Store: store, TotalUSD: total}
	for i := 0; i < len(items); i += 2 {
		e.Items = append(e.Items, struct {
			Category   string  `json:"category"`
			Name       string  `json:"name"`
			MonthlyUSD float64 `json:"monthlyUSD"`
			Detail     string  `json:"detail"`
		}{"compute", items[i].(string), items[i+1].(float64), ""})
	}
	return e
}

// A base whose estimates name no store (each compute on its own) pairs
// with a working tree that prices each compute on each store.
func TestCompareCostsWithAndWithoutStore(t *testing.T) {
	before := []estimate{est("lambda", "", 10, "fn", 10.0), est("fargate", "", 30, "tasks", 2.0, "alb", 28.0), est("ec2", "", 50, "vm", 50.0)}
	after := []estimate{
		est("lambda", "dynamodb", 10, "fn", 10.0), est("lambda", "postgres", 40, "fn", 10.0),
		est("fargate", "dynamodb", 32, "tasks", 4.0, "alb", 28.0), est("fargate", "postgres", 60, "tasks", 4.0),
		est("ec2", "dynamodb", 20, "vm", 20.0), est("ec2", "postgres", 50, "vm", 50.0),
	}
	rows := compareCosts("dev", allArch, []string{"dynamodb", "postgres"}, before, after)
	var got []string
	for _, c := range rows {
		got = append(got, c.Arch+"/"+c.Store+" "+usd(c.BeforeUSD)+" "+usd(c.AfterUSD)+" "+change(c))
	}
	want := "lambda/dynamodb 10.00 10.00 0.00; lambda/postgres – 40.00 new; fargate/dynamodb 30.00 32.00 **+2.00**; fargate/postgres – 60.00 new; ec2/dynamodb – 20.00 new; ec2/postgres 50.00 50.00 0.00"
	if strings.Join(got, "; ") != want {
		t.Errorf("rows:\n%s\nwant\n%s", strings.Join(got, "; "), want)
	}
	fargate := rows[2]
	if len(fargate.Items) != 1 || fargate.Items[0].Name != "tasks" || !fargate.Changed() {
		t.Errorf("fargate's changed items: %+v", fargate.Items)
	}
	if rows[0].Changed() {
		t.Errorf("lambda on dynamodb did not change: %+v", rows[0])
	}

	narrow := compareCosts("dev", "ec2", []string{"postgres"}, before, after)
	if len(narrow) != 1 || narrow[0].Arch != "ec2" || narrow[0].Store != "postgres" {
		t.Errorf("--arch ec2 --store postgres: %+v", narrow)
	}
	if both := compareCosts("dev", "fargate", []string{"dynamodb"}, before[1:2], before[1:2]); len(both) != 1 || both[0].Store != "dynamodb" || both[0].Changed() {
		t.Errorf("estimates without a store on both sides: %+v", both)
	}
}

// Each revision's own configuration accepts its findings: cfn-lint's
// ignore_checks (prefixes), checkov's skip-check, cfn-guard's exceptions
// by template glob, and cdk-nag's suppressions, which the app applies.
func TestLintConfigAccepts(t *testing.T) {
	root := t.TempDir()
	for name, body := range map[string]string{
		".cfnlintrc.yaml": "ignore_checks:\n  - W30\n",
		".checkov.yaml":   "skip-check:\n  - CKV_AWS_2\n",
		".cfnguard.yaml":  "exceptions:\n  - rule: r1\n    control: CT.X.PR.1\n    templates: \"Progress-dev-*\"\n    reason: dev only\n",
	} {
		if err := os.WriteFile(filepath.Join(root, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cfg, err := loadLintConfig(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		f        finding
		template string
		want     string
	}{
		{finding{Tool: ToolCfnLint, Rule: "W3005"}, "Progress-dev-A.template.json", ".cfnlintrc.yaml ignore_checks: W30"},
		{finding{Tool: ToolCfnLint, Rule: "E3005"}, "Progress-dev-A.template.json", ""},
		{finding{Tool: ToolCheckov, Rule: "CKV_AWS_2"}, "Progress-dev-A.template.json", ".checkov.yaml skip-check: CKV_AWS_2"},
		{finding{Tool: ToolCheckov, Rule: "CKV_AWS_24"}, "Progress-dev-A.template.json", ""},
		{finding{Tool: ToolCfnGuard, Rule: "r1"}, "Progress-dev-A.template.json", ".cfnguard.yaml exception (CT.X.PR.1): dev only"},
		{finding{Tool: ToolCfnGuard, Rule: "r1"}, "Progress-prod-A.template.json", ""},
		{finding{Tool: ToolCDKNag, Rule: "AwsSolutions-EC23", Accepted: "cdk-nag suppression: why"}, "x", "cdk-nag suppression: why"},
	} {
		if got := cfg.accepted(tc.f, tc.template); got != tc.want {
			t.Errorf("%s %s in %s: accepted %q, want %q", tc.f.Tool, tc.f.Rule, tc.template, got, tc.want)
		}
	}
	// Of one rule on one resource found twice, an open one wins.
	k := keyed("S", "Progress-dev-S.template.json", []finding{
		{Tool: ToolCDKNag, Resource: "R", Rule: "X", Accepted: "cdk-nag suppression: one"},
		{Tool: ToolCDKNag, Resource: "R", Rule: "X"},
		{Tool: ToolCDKNag, Resource: "R", Rule: "X", Accepted: "cdk-nag suppression: two"},
	}, cfg)
	if len(k) != 1 {
		t.Fatalf("keyed: %v", k)
	}
	for _, f := range k {
		if f.Accepted != "" {
			t.Errorf("an open finding was hidden by a suppressed twin: %+v", f)
		}
	}
}

// cdk-nag's report names construct paths; the templates' aws:cdk:path
// metadata maps them to logical ids.
func TestNagFindingsByLogicalID(t *testing.T) {
	dir := t.TempDir()
	tpl := writeJSON(t, filepath.Join(dir, "Progress-dev-Fargate.template.json"), res{"Resources": res{
		"TaskSg1234": res{"Type": "AWS::EC2::SecurityGroup", "Metadata": res{"aws:cdk:path": "Progress-dev-Fargate/Service/TaskSg/Resource"}},
	}})
	csv := "Rule ID,Resource ID,Compliance,Exception Reason,Rule Level,Rule Info\n" +
		`"AwsSolutions-EC23","Progress-dev-Fargate/Service/TaskSg/Resource","Non-Compliant","N/A","Error","Open to the world."` + "\n" +
		`"AwsSolutions-IAM5","Progress-dev-Fargate/Service/TaskSg/Resource","Suppressed","Because, ""quoted""","Error","Wildcards."` + "\n" +
		`"AwsSolutions-VPC7","Progress-dev-Fargate/Service/TaskSg/Resource","Compliant","N/A","Error","Flow logs."` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "AwsSolutions--Progress-dev-Fargate-NagReport.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := nagFindings(dir, map[string]string{"Progress-dev-Fargate": tpl})
	if err != nil {
		t.Fatal(err)
	}
	want := []finding{
		{Tool: ToolCDKNag, Resource: "TaskSg1234", Rule: "AwsSolutions-EC23", Message: "Open to the world."},
		{Tool: ToolCDKNag, Resource: "TaskSg1234", Rule: "AwsSolutions-IAM5", Message: "Wildcards.", Accepted: `cdk-nag suppression: Because, "quoted"`},
	}
	if len(got[tpl]) != len(want) {
		t.Fatalf("findings: %+v", got)
	}
	for i := range want {
		if got[tpl][i] != want[i] {
			t.Errorf("finding %d: %+v, want %+v", i, got[tpl][i], want[i])
		}
	}
}

// A base from before -c store is compared where it synthesizes the same
// thing: a compute's stack on that compute's own store, and the stacks of
// no compute that both have.
func TestAlikeWithoutTheStoreFlag(t *testing.T) {
	onDynamo := Variant{Env: "dev", Arch: "all", Store: "dynamodb"}
	onPG := Variant{Env: "dev", Arch: "all", Store: "postgres"}
	for _, tc := range []struct {
		v              Variant
		stack          string
		inHead, inBase bool
		want           bool
	}{
		{onDynamo, "Progress-dev-Lambda", true, true, true},
		{onDynamo, "Progress-dev-Ec2", true, true, false},
		{onPG, "Progress-dev-Ec2", true, true, true},
		{onPG, "Progress-dev-Fargate", true, true, false},
		{onPG, "Progress-dev-Identity", true, true, true},
		{onPG, "Progress-dev-Data", false, true, false},
		{onPG, "Progress-dev-Rds", true, false, false},
	} {
		if got := alike(tc.v, tc.stack, tc.inHead, tc.inBase); got != tc.want {
			t.Errorf("%s %s: %v, want %v", tc.v, tc.stack, got, tc.want)
		}
	}
}

func TestResolveScope(t *testing.T) {
	s, err := resolveScope(Options{}, []string{"dev", "prod"})
	if err != nil || strings.Join(s.Envs, ",") != "dev,prod" || s.Arch != "all" || strings.Join(s.Stores, ",") != "dynamodb,postgres" {
		t.Errorf("the default scope must be every env × every store with arch all: %+v %v", s, err)
	}
	for _, o := range []Options{{Envs: []string{"qa"}}, {Arch: "k8s"}, {Stores: []string{"mysql"}}} {
		if _, err := resolveScope(o, []string{"dev", "prod"}); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}

// The Markdown says loudly what blocks, escapes table cells, and lists
// findings with their status.
func TestMarkdown(t *testing.T) {
	v := Variant{Env: "dev", Arch: "all", Store: "dynamodb"}
	w := Variant{Env: "dev", Arch: "all", Store: "postgres"}
	stacks := []Stack{{Name: "Progress-dev-Data", Variants: []Variant{v}, Status: StackChanged, Resources: []Resource{
		{LogicalID: "Table1", Type: "AWS::DynamoDB::Table", Change: Replaced, Impact: "WILL_REPLACE", Stateful: true,
			Properties: []Property{{Name: "KeySchema", Impact: "WILL_REPLACE"}}},
	}}, {Name: "Progress-dev-Identity", Variants: []Variant{v, w}, Status: StackChanged, Resources: []Resource{
		{LogicalID: "Client", Type: "AWS::Cognito::UserPoolClient", Change: Modified, Impact: "WILL_UPDATE",
			Properties: []Property{{Name: "CallbackURLs", Before: "a|b", After: "c"}}},
	}, Other: []OtherChange{{Section: "Outputs", Name: "Url", Change: Modified}}}}
	rep := &Report{
		Base: Revision{Ref: "origin/main", Commit: "0123456789abcdef"}, Head: Revision{Ref: "working tree", Commit: "fedcba9876543210", Dirty: true},
		Scope: Scope{Envs: []string{"dev"}, Arch: "all", Stores: []string{"dynamodb", "postgres"}}, Stacks: stacks,
		Stateful: statefulChanges(stacks), Blocked: true, UnchangedStacks: 7,
		Findings: Findings{New: []Finding{{Tool: ToolCheckov, Stack: "Progress-dev-Data", Resource: "Table1", Rule: "CKV_AWS_28", Message: "Backup", Variants: []Variant{v}}}},
	}
	var b strings.Builder
	if err := rep.WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{
		"Base `origin/main` (`0123456789ab`) → the working tree at `fedcba987654` with uncommitted changes",
		"> [!CAUTION]",
		"⛔ `Table1` (AWS::DynamoDB::Table) in Progress-dev-Data is **replaced**",
		"| Progress-dev-Data | dev all on dynamodb | 0 | 0 | 0 | 1 ⛔ |",
		"| Progress-dev-Identity | dev all on dynamodb, postgres | 0 | 0 | 1 | 0 |",
		"CallbackURLs: `a\\|b` → `c`",
		"| checkov | Progress-dev-Data | `Table1` | `CKV_AWS_28` Backup | ❌ open | dev all on dynamodb |",
		"**Removed:** none.",
		"Outside the resources: Outputs `Url` modified.",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}
	rep.Blocked, rep.AllowReplace = false, true
	b.Reset()
	rep.WriteMarkdown(&b)
	if md := b.String(); strings.Contains(md, "[!CAUTION]") || !strings.Contains(md, "allowed by `--allow-replace`") {
		t.Errorf("an allowed replacement is still a caution:\n%s", md)
	}
}

// Whether the base reads -c store is asked of the base itself: an app
// that does refuses a store no revision knows; one from before it
// synthesizes its own stores, which the review then uses; any other
// failure is the review's.
func TestProbeStore(t *testing.T) {
	dir := t.TempDir()
	script := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	writes := `echo '{"Resources": {}}' >"$CDK_OUTDIR/Progress-dev-Identity.template.json"` + "\n"
	knows := script("knows", `case "$CDK_CONTEXT_JSON" in *'"store":"`+probeValue+`"'*)
  echo 'progresskit: unknown store "`+probeValue+`": valid values are dynamodb, postgres' >&2; exit 1;;
esac
`+writes)
	ignores := script("ignores", writes)
	broken := script("broken", "echo 'progresskit: unknown env \"dev\"' >&2; exit 1\n")
	for _, tc := range []struct {
		app                     string
		knows, synthesized, err bool
	}{{knows, true, false, false}, {ignores, false, true, false}, {broken, true, false, true}} {
		s := &side{name: "base", root: dir, work: dir, context: map[string]any{}, app: tc.app}
		out := filepath.Join(dir, "out-"+filepath.Base(tc.app))
		synthesized, err := s.probeStore(context.Background(), "dev", "all", out)
		if (err != nil) != tc.err || synthesized != tc.synthesized || (err == nil && s.knowsStore != tc.knows) {
			t.Errorf("%s: synthesized %v, knows %v, err %v", filepath.Base(tc.app), synthesized, s.knowsStore, err)
		}
		tpls, _ := templates(out)
		if (len(tpls) > 0) != tc.synthesized {
			t.Errorf("%s: templates %v left in %s", filepath.Base(tc.app), tpls, out)
		}
	}
}

// New, removed, and accepted by one revision only; a finding both accept,
// for whatever reason each gives, is no change.
func TestDiffFindings(t *testing.T) {
	f := func(rule, accepted string) Finding {
		return Finding{Tool: ToolCheckov, Stack: "S", Resource: "R", Rule: rule, Accepted: accepted}
	}
	keyedBy := func(fs ...Finding) map[string]Finding {
		m := map[string]Finding{}
		for _, x := range fs {
			m[x.key()] = x
		}
		return m
	}
	v := Variant{Env: "dev", Arch: "all", Store: "dynamodb"}
	news, gone, accepted := diffFindings(v,
		keyedBy(f("A", ""), f("B", "reason two"), f("C", "now skipped")),
		keyedBy(f("B", "reason one"), f("C", ""), f("D", "")))
	rules := func(fs []Finding) (out []string) {
		for _, x := range fs {
			out = append(out, x.Rule+"/"+x.WasAccepted)
		}
		return out
	}
	if strings.Join(rules(news), ",") != "A/" || strings.Join(rules(gone), ",") != "D/" || strings.Join(rules(accepted), ",") != "C/" {
		t.Errorf("new %v, removed %v, accepted differently %v", rules(news), rules(gone), rules(accepted))
	}
	if len(news) == 1 && (len(news[0].Variants) != 1 || news[0].Variants[0] != v) {
		t.Errorf("variants: %v", news[0].Variants)
	}
}
