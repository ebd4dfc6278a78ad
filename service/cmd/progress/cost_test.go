package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/progresskit/progresskit/service/cost"
	"github.com/progresskit/progresskit/service/deploy"
)

var update = flag.Bool("update", false, "rewrite golden files")

func runCmd(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, &stdout, &stderr)
	return stdout.String(), stderr.String(), code
}

// The JSON of 'progress cost' is a contract for scripts; a change to it
// shows up here as a diff of testdata/cost.golden.json.
func TestCostJSONGolden(t *testing.T) {
	out, stderr, code := runCmd(t, "cost", "--cdk-json", "../../../cdk.json", "--env", "prod", "--region", "us-east-1",
		"--requests", "20000000", "--write-ratio", "0.4", "--response-bytes", "1500", "--peak", "4", "--stored-gb", "3", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	golden := filepath.Join("testdata", "cost.golden.json")
	if *update {
		os.WriteFile(golden, []byte(out), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Fatalf("cost JSON changed (go test -update to accept):\n%s", out)
	}
}

// At 1e9 requests a month prod's db.t4g.micro (315M at half writes) is
// past its capacity: the estimate is priced on db.m6g.large, the cheapest
// class that sustains the traffic, and names both.
func TestCostPricesTheDatabaseTheTrafficNeeds(t *testing.T) {
	out, stderr, code := runCmd(t, "cost", "--cdk-json", "../../../cdk.json", "--env", "prod", "--region", "us-east-1", "--requests", "1e9", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var doc struct {
		Estimates []map[string]any `json:"estimates"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	var ec2 map[string]any
	for _, e := range doc.Estimates {
		if e["arch"] == "ec2" && e["store"] == "postgres" {
			ec2 = e
		}
	}
	// Two t4g.small $24.528, ALB $16.425 + $16.00, db.m6g.large Multi-AZ
	// 2 × 730 × $0.159 = $232.14, storage $4.60, 4 addresses $14.60, logs
	// $300: $608.293, where db.t4g.micro's $23.36 gave $399.51.
	if ec2["configuredRdsClass"] != "db.t4g.micro" || ec2["rdsClass"] != "db.m6g.large" {
		t.Errorf("classes: configured %v, priced %v", ec2["configuredRdsClass"], ec2["rdsClass"])
	}
	if total, _ := ec2["totalUSD"].(float64); total < 608.29 || total > 608.30 {
		t.Errorf("EC2 total $%v, want $608.293", ec2["totalUSD"])
	}
	out, _, _ = runCmd(t, "cost", "recommend", "--cdk-json", "../../../cdk.json", "--env", "prod", "--requests", "1e9", "--relational")
	if !strings.HasPrefix(out, "Pick EC2 + PostgreSQL (-c arch=ec2 -c store=postgres).") || !strings.Contains(out, "$608.29/month") {
		t.Errorf("recommend prices EC2 + RDS on a class too small:\n%s", out)
	}
}

func TestCostBreakevenJSON(t *testing.T) {
	out, stderr, code := runCmd(t, "cost", "breakeven", "--cdk-json", "../../../cdk.json", "--rds-class", "db.t3.micro", "--write-ratio", "0.5", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{`"rdsClass": "db.t3.micro"`, `"writeRatio": 0.5`, `"rdsMonthlyUSD": 13.14`, `"dynamodbUSDPerMillionOps": 0.806402`, `"breakEvenOpsPerMonth": 16294594`, `"lambdaFargateCrossoverRequestsPerMonth"`} {
		if !strings.Contains(out, want) {
			t.Errorf("breakeven JSON lacks %s:\n%s", want, out)
		}
	}
}

// With its own price of $1 an hour db.t3.micro breaks even with DynamoDB
// at 730 / $0.80640244 per million = 905M operations a month (10-lesson
// courses, cost's TestRDSBreakEven), far past the 315M it sustains at half
// writes: breakeven says so.
func TestCostBreakevenPastTheClassCapacity(t *testing.T) {
	file := filepath.Join(t.TempDir(), "ours.json")
	os.WriteFile(file, []byte(`{"regions":{"us-east-1":{"rdsInstanceHour":{"db.t3.micro":{"usd":1}}}}}`), 0o644)
	out, stderr, code := runCmd(t, "cost", "breakeven", "--cdk-json", "../../../cdk.json", "--region", "us-east-1", "--prices", file,
		"--rds-class", "db.t3.micro", "--write-ratio", "0.5", "--lessons", "10")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(out, "the same at 905M operations/month") || !strings.Contains(out, "db.t3.micro sustains only 315M operations/month") {
		t.Errorf("breakeven past the class's capacity:\n%s", out)
	}
	out, _, _ = runCmd(t, "cost", "breakeven", "--cdk-json", "../../../cdk.json", "--region", "us-east-1", "--rds-class", "db.t3.micro", "--write-ratio", "0.5")
	if strings.Contains(out, "sustains only") {
		t.Errorf("at catalogue prices db.t3.micro breaks even at 16M, within its 315M:\n%s", out)
	}
}

func TestCostTableAndErrors(t *testing.T) {
	out, _, code := runCmd(t, "cost", "--cdk-json", "../../../cdk.json", "--env", "dev")
	if code != 0 || !strings.Contains(out, "total") || !strings.Contains(out, "public IPv4") || !strings.Contains(out, "fargate") {
		t.Fatalf("table: %d\n%s", code, out)
	}
	out, _, _ = runCmd(t, "cost", "recommend", "--cdk-json", "../../../cdk.json", "--requests", "100000")
	if !strings.HasPrefix(out, "Pick Lambda + DynamoDB (-c arch=lambda -c store=dynamodb).") {
		t.Errorf("recommend at 100k requests: %s", out)
	}
	// At dev's 300k requests a month, relational needs pick PostgreSQL,
	// and Lambda with its proxy is the cheapest compute on it.
	out, _, _ = runCmd(t, "cost", "recommend", "--cdk-json", "../../../cdk.json", "--relational")
	if !strings.HasPrefix(out, "Pick Lambda + PostgreSQL (-c arch=lambda -c store=postgres).") {
		t.Errorf("recommend with relational needs: %s", out)
	}
	for _, bad := range [][]string{
		{"cost", "--cdk-json", "../../../cdk.json", "--region", "mars-1"},
		{"cost", "--cdk-json", "../../../cdk.json", "--env", "qa"},
		{"cost", "--cdk-json", "../../../cdk.json", "--write-ratio", "2"},
		{"cost", "--cdk-json", "../../../cdk.json", "--format", "xml"},
		{"cost", "--cdk-json", "missing.json"},
		{"cost", "--cdk-json", "../../../cdk.json", "--plot", "cost.txt"},
		{"cost", "--cdk-json", "../../../cdk.json", "--arch", "k8s"},
		{"cost", "--cdk-json", "../../../cdk.json", "--store", "mysql"},
	} {
		if _, stderr, code := runCmd(t, bad...); code == 0 || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q", bad, code, stderr)
		}
	}
}

// The table shows all six pairs, each headed by its compute and store,
// and the read cache each store could have; --arch and --store keep those
// they name.
func TestCostShowsEveryPair(t *testing.T) {
	out, stderr, code := runCmd(t, "cost", "--cdk-json", "../../../cdk.json", "--env", "prod")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(out, "\n")
	if got := strings.Join(strings.Fields(lines[2]), " "); got != "USD/month lambda lambda fargate fargate ec2 ec2" {
		t.Errorf("computes row %q", got)
	}
	if got := strings.Join(strings.Fields(lines[3]), " "); got != "dynamodb postgres dynamodb postgres dynamodb postgres" {
		t.Errorf("stores row %q", got)
	}
	for _, want := range []string{"\nread cache (dynamodb): DAX (3 × dax.t3.small, $87.60/month) pays for itself above",
		"\nread cache (postgres): ElastiCache (2 × cache.t4g.micro, $23.36/month) pays for itself above"} {
		if !strings.Contains(out, want) {
			t.Errorf("the table does not say %q:\n%s", want, out)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--store", "postgres"}, "lambda+postgres fargate+postgres ec2+postgres ElastiCache"},
		{[]string{"--arch", "fargate"}, "fargate+dynamodb fargate+postgres DAX ElastiCache"},
		{[]string{"--arch", "ec2", "--store", "dynamodb"}, "ec2+dynamodb DAX"},
	} {
		out, stderr, code := runCmd(t, append([]string{"cost", "--cdk-json", "../../../cdk.json", "--format", "json"}, c.args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, stderr)
		}
		var doc struct {
			Estimates  []cost.Estimate
			ReadCaches []cost.ReadCache
		}
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range doc.Estimates {
			got = append(got, e.Pair().Key())
		}
		for _, rc := range doc.ReadCaches {
			got = append(got, rc.Cache)
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%v: %v, want %s", c.args, got, c.want)
		}
	}
}

// --pricing itemises its discount, --prices overlays a figure, and 'cost
// prices' lists the catalogue with each figure's source.
func TestCostPricingAndOwnPrices(t *testing.T) {
	var out, errb strings.Builder
	if code := run(context.Background(), []string{"cost", "--env", "prod", "--cdk-json", "../../../cdk.json", "--pricing", "reserved"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "discounts") {
		t.Errorf("reserved pricing shows no discount row:\n%s", out.String())
	}
	file := filepath.Join(t.TempDir(), "prices.json")
	os.WriteFile(file, []byte(`{"regions":{"us-east-1":{"albHour":{"usd":1,"source":"ours","date":"2026-11-01","verified":true}}}}`), 0o644)
	out.Reset()
	if code := run(context.Background(), []string{"cost", "prices", "--region", "us-east-1", "--prices", file, "--format", "json"}, &out, &errb); code != 0 {
		t.Fatalf("cost prices: exit %d: %s", code, errb.String())
	}
	var figs []cost.Figure
	if err := json.Unmarshal([]byte(out.String()), &figs); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range figs {
		if f.Name == "albHour" {
			found = f.USD == 1 && f.Verified && f.Source == file+": ours"
		}
		if f.Source == "" || f.Date == "" {
			t.Errorf("%s has no source or date", f.Name)
		}
	}
	if !found || len(figs) < 40 {
		t.Errorf("%d figures; the overlaid albHour is not listed as given", len(figs))
	}
	errb.Reset()
	if code := run(context.Background(), []string{"cost", "--pricing", "spot", "--cdk-json", "../../../cdk.json"}, &out, &errb); code == 0 || !strings.Contains(errb.String(), "on-demand, reserved, savings-plan") {
		t.Errorf("an unknown --pricing: exit %d %q", code, errb.String())
	}
}

// 'cost prices --prices' shows a figure the file gives as the file's: its
// path in the source, its own date (none here) and verified flag (false).
func TestCostPricesShowsWhereOwnFiguresCameFrom(t *testing.T) {
	file := filepath.Join(t.TempDir(), "ours.json")
	os.WriteFile(file, []byte(`{"regions":{"us-east-1":{"albHour":{"usd":0.03}}}}`), 0o644)
	out, stderr, code := runCmd(t, "cost", "prices", "--region", "us-east-1", "--prices", file, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var figs []cost.Figure
	if err := json.Unmarshal([]byte(out), &figs); err != nil {
		t.Fatal(err)
	}
	want := cost.Figure{Region: "us-east-1", Name: "albHour", Price: cost.Price{USD: 0.03, Source: file + ": your prices file"}}
	listed := false
	for _, f := range figs {
		if f.Name == "albHour" {
			listed = true
			if f != want {
				t.Errorf("albHour listed as %+v, want %+v", f, want)
			}
		}
	}
	if !listed {
		t.Errorf("albHour is not listed in the JSON: %s", out)
	}
	out, _, _ = runCmd(t, "cost", "prices", "--region", "us-east-1", "--prices", file)
	row := false
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "albHour ") {
			row = true
			if !strings.Contains(line, file+": your prices file") || strings.Contains(line, "2026-") {
				t.Errorf("the table's albHour row: %q", line)
			}
		}
	}
	if !row {
		t.Errorf("the table has no albHour row:\n%s", out)
	}
}

// --region's help lists the catalogue's regions, whatever it holds.
func TestCostRegionHelpListsTheCatalogue(t *testing.T) {
	_, stderr, _ := runCmd(t, "cost", "-h")
	want := strings.Join(cost.Catalogue().RegionNames(), ", ")
	if !strings.Contains(stderr, "price region (default: the env's region): "+want+", or one of --prices") {
		t.Errorf("--region's help does not list %s:\n%s", want, stderr)
	}
}

// The README's tables of the six pairs give each one's idle cost, in dev
// and in prod, as the model computes it with no traffic and no data: a
// price or a sizing that moves a figure shows up here.
func TestREADMEIdleCosts(t *testing.T) {
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	idle := map[string][2]string{}
	for i, env := range []string{"dev", "prod"} {
		out, stderr, code := runCmd(t, "cost", "--cdk-json", "../../../cdk.json", "--env", env, "--requests", "0", "--stored-gb", "0", "--format", "json")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", env, code, stderr)
		}
		var doc struct{ Estimates []cost.Estimate }
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		for _, e := range doc.Estimates {
			v := idle[e.Pair().Key()]
			v[i] = fmt.Sprintf("$%.2f", e.TotalUSD)
			idle[e.Pair().Key()] = v
		}
	}
	rows := map[string]int{}
	for _, line := range strings.Split(string(readme), "\n") {
		// | `lambda+postgres` | ... | dev | prod |
		cells := strings.Split(line, "|")
		if len(cells) < 5 {
			continue
		}
		key := strings.Trim(strings.TrimSpace(cells[1]), "`")
		want, ok := idle[key]
		if !ok {
			continue
		}
		rows[key]++
		if dev, prod := strings.TrimSpace(cells[len(cells)-3]), strings.TrimSpace(cells[len(cells)-2]); dev != want[0] || prod != want[1] {
			t.Errorf("README.md says %s idles at %s in dev and %s in prod; the model, %s and %s", key, dev, prod, want[0], want[1])
		}
	}
	for _, p := range cost.Pairs() {
		if rows[p.Key()] == 0 {
			t.Errorf("README.md has no row for %s", p.Key())
		}
	}
}

// PROGRESS_STORE is the server's store URL: a shell that serves progress
// still gets every store's estimate from 'progress cost'.
func TestCostStoreFlagIgnoresTheServersStoreURL(t *testing.T) {
	t.Setenv("PROGRESS_STORE", "sqlite://var/progress.db")
	out, stderr, code := runCmd(t, "cost", "--cdk-json", "../../../cdk.json", "--env", "prod", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, store := range deploy.Stores {
		if !strings.Contains(out, `"store": "`+store+`"`) {
			t.Errorf("no %s estimate with PROGRESS_STORE set:\n%s", store, out)
		}
	}
}
