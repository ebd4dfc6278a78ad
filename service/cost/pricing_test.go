package cost

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var oneSmall = Deployment{Sizing: Sizing{
	LambdaMemoryMB: 256, FargateCPU: 256, FargateMemoryMiB: 512, FargateMinTasks: 1, FargateMaxTasks: 1,
	EC2InstanceType: "t4g.small", EC2MinInstances: 1, EC2MaxInstances: 1, RDSInstanceClass: "db.t3.small", RDSStorageGiB: 20,
}}

var quiet = Traffic{MonthlyRequests: 1e5, WriteRatio: 0.5, AvgResponseBytes: 1500, PeakToAverage: 1}

// Hand-computed in us-east-1: db.t3.small is $0.036 an hour.
func TestMultiAZDBT3Small(t *testing.T) {
	s := oneSmall
	s.MultiAZ = true
	e, err := model(t, "us-east-1").Estimate(ec2Postgres, quiet, s)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "2 × 730 h × $0.036", item(t, e, "RDS PostgreSQL instance"), 52.56)
}

func TestReservedRDSInstance(t *testing.T) {
	m := model(t, "us-east-1")
	m.Pricing = Reserved
	e, err := m.Estimate(ec2Postgres, quiet, oneSmall)
	if err != nil {
		t.Fatal(err)
	}
	// 730 × $0.036 = $26.28 on demand; 35% off is −$9.198, on its own line.
	near(t, "on-demand line stays", item(t, e, "RDS PostgreSQL instance"), 26.28)
	near(t, "reserved discount", item(t, e, "RDS PostgreSQL instance: reserved"), -9.198)
	// t4g.small: 730 × $0.0168 = $12.264; 37% off is −$4.53768.
	near(t, "EC2 reserved discount", item(t, e, "EC2 instances: reserved"), -4.53768)
	b, err := m.RDSBreakEven("db.t3.small", 0.5, 10)
	if err != nil {
		t.Fatal(err)
	}
	if b.RDSMonthlyUSD != 17.08 || b.Pricing != Reserved {
		t.Errorf("reserved break-even uses $%v/month (%s), want $17.08", b.RDSMonthlyUSD, b.Pricing)
	}
}

func TestSpotFargateTaskAndSavingsPlan(t *testing.T) {
	s := oneSmall
	s.FargateSpot = true
	e := estimate(t, model(t, "us-east-1"), fargateDynamo, quiet, s)
	// (0.25 vCPU × $0.03238 + 0.5 GB × $0.00356) × (1 − 0.70) × 730 h.
	near(t, "one Spot task", item(t, e, "Fargate tasks (arm64)"), (0.25*0.03238+0.5*0.00356)*0.3*730)

	m := model(t, "us-east-1")
	m.Pricing = SavingsPlan
	e = estimate(t, m, fargateDynamo, quiet, oneSmall)
	onDemand := (0.25*0.03238 + 0.5*0.00356) * 730
	near(t, "savings plan on Fargate", item(t, e, "Fargate tasks (arm64): savings-plan"), -0.20*onDemand)
	if _, err := ParsePricing("spot"); err == nil {
		t.Error("an unknown pricing was accepted")
	}
}

func TestOwnPricesOverrideOneFigure(t *testing.T) {
	file := filepath.Join(t.TempDir(), "prices.json")
	os.WriteFile(file, []byte(`{"regions":{"us-east-1":{"rdsInstanceHour":{"db.t3.small":{"usd":0.05,"source":"our negotiated rate","date":"2026-11-01","verified":true}}}}}`), 0o644)
	m, err := NewModelWith("us-east-1", file)
	if err != nil {
		t.Fatal(err)
	}
	e, err := m.Estimate(ec2Postgres, quiet, oneSmall)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "overridden db.t3.small", item(t, e, "RDS PostgreSQL instance"), 730*0.05)
	near(t, "everything else kept", item(t, e, "EC2 instances"), 730*0.0168)
	if p := m.P.RDSInstanceHour["db.t3.small"]; !p.Verified || p.Source != file+": our negotiated rate" {
		t.Errorf("the override's source and verified flag are lost: %+v", p)
	}
	os.WriteFile(file, []byte(`{"regions":{"us-east-1":{"rdsInstanceHr":{}}}}`), 0o644)
	if _, err := NewModelWith("us-east-1", file); err == nil {
		t.Error("a misspelt field in a prices file was accepted")
	}
	os.WriteFile(file, []byte(`{"regions":{"mars-1":{"albHour":{"usd":1,"source":"x","date":"2026-11-01"}}}}`), 0o644)
	if _, err := NewModelWith("mars-1", file); err == nil {
		t.Error("an incomplete new region was accepted")
	}
}

// A prices file may bring a class the catalogue lacks: described once,
// beside the catalogue's classes, and priced in its regions.
func TestOwnPricesDescribeANewClass(t *testing.T) {
	file := filepath.Join(t.TempDir(), "prices.json")
	os.WriteFile(file, []byte(`{"ec2InstanceTypes":{"m8g.large":{"vCPUs":2,"arm64":true}},`+
		`"regions":{"us-east-1":{"ec2InstanceHour":{"m8g.large":{"usd":0.09}}}}}`), 0o644)
	m, err := NewModelWith("us-east-1", file)
	if err != nil {
		t.Fatal(err)
	}
	s := oneSmall
	s.EC2InstanceType = "m8g.large"
	e, err := m.Estimate(ec2Postgres, quiet, s)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "one m8g.large: 730 × $0.09", item(t, e, "EC2 instances"), 65.7)
	if _, ok := m.EC2Types["t4g.small"]; !ok {
		t.Error("the catalogue's own types are lost")
	}
	os.WriteFile(file, []byte(`{"regions":{"us-east-1":{"ec2InstanceHour":{"m8g.large":{"usd":0.09}}}}}`), 0o644)
	m, _ = NewModelWith("us-east-1", file)
	if _, err := m.Estimate(ec2Postgres, quiet, s); err == nil || !strings.Contains(err.Error(), "ec2InstanceTypes does not describe it") {
		t.Errorf("a priced type without its vCPUs: %v", err)
	}
}

// A figure from a prices file says it came from that file: a usd alone
// does not inherit the catalogue's source, date or verified flag.
func TestOwnPricesSayTheyCameFromTheFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "ours.json")
	os.WriteFile(file, []byte(`{"regions":{"us-east-1":{"albHour":{"usd":0.03},"ec2InstanceHour":{"t4g.small":{"usd":0.015,"date":"2026-12-01"}}}}}`), 0o644)
	m, err := NewModelWith("us-east-1", file)
	if err != nil {
		t.Fatal(err)
	}
	ours := file + ": your prices file"
	if got, want := m.P.ALBHour, (Price{USD: 0.03, Source: ours}); got != want {
		t.Errorf("usd alone: %+v, want %+v", got, want)
	}
	if got, want := m.P.EC2InstanceHour["t4g.small"], (Price{USD: 0.015, Source: ours, Date: "2026-12-01"}); got != want {
		t.Errorf("per-class usd and date: %+v, want %+v", got, want)
	}
	os.WriteFile(file, []byte(`{"regions":{"us-east-1":{"daxNodeHour":{"dax.t3.small":{"usd":0.05}}}}}`), 0o644)
	if m, err := NewModelWith("us-east-1", file); err != nil || m.P.DAXNodeHour["dax.t3.small"] != (Price{USD: 0.05, Source: ours}) {
		t.Errorf("a cache node's price from the file: %+v, %v", m.P.DAXNodeHour["dax.t3.small"], err)
	}
	catalogue := model(t, "us-east-1").P
	if m.P.ALBLCUHour != catalogue.ALBLCUHour || m.P.EC2InstanceHour["t4g.micro"] != catalogue.EC2InstanceHour["t4g.micro"] {
		t.Errorf("a figure the file does not give lost the catalogue's provenance: %+v", m.P.ALBLCUHour)
	}
	os.WriteFile(file, []byte(`{"regions":{"us-east-1":{"albHour":{"verified":true}}}}`), 0o644)
	if _, err := NewModelWith("us-east-1", file); err == nil || !strings.Contains(err.Error(), "us-east-1.albHour has no usd") {
		t.Errorf("a figure without usd, which would mark the catalogue's price verified: %v", err)
	}
}

// Cost per million requests and the next size step, hand-computed.
func TestScaleShowsTheSteps(t *testing.T) {
	m := model(t, "us-east-1")
	s := oneSmall
	s.FargateMaxTasks, s.EC2MaxInstances = 4, 4
	tr := Traffic{MonthlyRequests: 100e6, WriteRatio: 0.5, AvgResponseBytes: 1500, PeakToAverage: 1}
	all, err := m.All(tr, s)
	if err != nil {
		t.Fatal(err)
	}
	byPair := map[Pair]*Scale{}
	for _, e := range all {
		near(t, e.Pair().Key()+" per million", e.Scale.USDPerMillionRequests, e.TotalUSD/100)
		byPair[e.Pair()] = e.Scale
	}
	// One 0.25-vCPU task carries 400 × 0.25 × 0.6 = 60 requests/s; 100M a
	// month is 38.05/s, so one task, and the 2nd is needed at
	// 60 × 730 × 3600 = 157.68M requests a month.
	f := byPair[fargateDynamo]
	if f.NextStep != "a 2nd Fargate task" || f.NextStepAtRequests != 157680000 {
		t.Errorf("Fargate next step %q at %v", f.NextStep, f.NextStepAtRequests)
	}
	// A 2-vCPU t4g.small carries 480/s: the 2nd at 480 × 730 × 3600.
	e := byPair[ec2Postgres]
	if e.NextStep != "a 2nd EC2 instance" || e.NextStepAtRequests != 480*730*3600 {
		t.Errorf("EC2 next step %q at %v", e.NextStep, e.NextStepAtRequests)
	}
	// db.t3.small sustains 2 vCPU × 20% baseline × 1500 statements/s ×
	// 0.6 = 360 statements/s; at half writes a request is 1.5 statements,
	// so 240 requests/s, 240 × 730 × 3600 a month. Below that the step
	// must carry the current class's capacity: db.t3.medium and
	// db.t4g.medium have the same baseline, so the cheapest class that
	// sustains more is db.t4g.large ($0.129 an hour, 30% baseline: 360/s).
	if e.DatabaseNextStep != "db.t4g.large" || e.DatabaseNextStepAtRequests != 240*730*3600 || e.Database != "" {
		t.Errorf("database next step %q at %v, note %q", e.DatabaseNextStep, e.DatabaseNextStepAtRequests, e.Database)
	}
	if byPair[lambdaDynamo].NextStep != "" {
		t.Errorf("Lambda has a step: %q", byPair[lambdaDynamo].NextStep)
	}
	if f.DatabaseNextStep != "" {
		t.Errorf("Fargate on DynamoDB has a database step: %q", f.DatabaseNextStep)
	}
}

// A class past its capacity says to move now, to a class that carries
// today's traffic; the largest class says so.
func TestDatabaseStepAtTheEdges(t *testing.T) {
	m := model(t, "us-east-1")
	// At half writes a request is 1.5 statements. 1e9 requests a month is
	// 1e9 / (730 × 3600) = 380.5 requests/s, past db.t3.small's 240. The
	// large burstables sustain 2 vCPU × 30% × 1500 × 0.6 / 1.5 = 360/s,
	// 360 × 730 × 3600 = 946,080,000 a month: short. db.m6g.large sustains
	// 2 × 1500 × 0.6 / 1.5 = 1200/s for $0.159, under db.m7g.large's $0.168.
	busy := Traffic{MonthlyRequests: 1e9, WriteRatio: 0.5, AvgResponseBytes: 1500, PeakToAverage: 1}
	var sc Scale
	m.databaseScale(&sc, "db.t3.small", busy)
	if sc.DatabaseNextStep != "db.m6g.large" || sc.DatabaseNextStepAtRequests != 240*730*3600 ||
		!strings.Contains(sc.Database, "db.t3.small is past its sustained capacity") || !strings.Contains(sc.Database, "move to db.m6g.large now") {
		t.Errorf("overloaded class: %+v", sc)
	}
	// Exactly db.t4g.large's capacity is carried by it; one more request is not.
	for _, c := range []struct {
		requests float64
		want     string
	}{{946080000, "db.t4g.large"}, {946080001, "db.m6g.large"}} {
		sc = Scale{}
		m.databaseScale(&sc, "db.t3.small", Traffic{MonthlyRequests: c.requests, WriteRatio: 0.5})
		if sc.DatabaseNextStep != c.want {
			t.Errorf("at %.0f requests: step %q, want %q", c.requests, sc.DatabaseNextStep, c.want)
		}
	}
	// The largest classes sustain 8 vCPU × 1500 × 0.6 / 1.5 = 4800/s,
	// 4800 × 730 × 3600 = 12.6144B a month: none carries 20B.
	sc = Scale{}
	m.databaseScale(&sc, "db.t3.small", Traffic{MonthlyRequests: 20e9, WriteRatio: 0.5})
	if sc.DatabaseNextStep != "" || !strings.Contains(sc.Database, "no class in the catalogue sustains 20B") {
		t.Errorf("traffic no class carries: %+v", sc)
	}
	// 8 vCPU × 1500 × 0.6 = 7200 statements/s, all reads: 7200 requests/s.
	sc = Scale{}
	m.databaseScale(&sc, "db.m7g.2xlarge", Traffic{MonthlyRequests: 1e6})
	if sc.DatabaseNextStep != "" || sc.DatabaseNextStepAtRequests != 7200*730*3600 || !strings.Contains(sc.Database, "largest class") {
		t.Errorf("largest class: %+v", sc)
	}
}
