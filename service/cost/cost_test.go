package cost

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/progresskit/progresskit/service/deploy"
)

func model(t *testing.T, region string) *Model {
	t.Helper()
	m, err := NewModel(region)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Today's three architectures: each compute on its default store.
var (
	lambdaDynamo  = Pair{deploy.Lambda, deploy.DynamoDB}
	fargateDynamo = Pair{deploy.Fargate, deploy.DynamoDB}
	ec2Postgres   = Pair{deploy.EC2, deploy.Postgres}
)

var (
	tenMillion = Traffic{MonthlyRequests: 10e6, WriteRatio: 0.5, AvgResponseBytes: 1500, PeakToAverage: 1}
	small      = Deployment{Sizing: Sizing{LambdaMemoryMB: 512, FargateCPU: 256, FargateMemoryMiB: 512, FargateMinTasks: 1, FargateMaxTasks: 4,
		EC2InstanceType: "t4g.small", EC2MinInstances: 1, EC2MaxInstances: 2, RDSInstanceClass: "db.t4g.micro", RDSStorageGiB: 20}, LambdaAvgMs: 30, StoredGB: 2}
)

func item(t *testing.T, e Estimate, name string) float64 {
	t.Helper()
	for _, it := range e.Items {
		if it.Name == name {
			return it.USD
		}
	}
	t.Fatalf("%s has no line %q", e.Arch, name)
	return 0
}

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 0.005 {
		t.Errorf("%s = %.5f, want %.5f (computed by hand)", what, got, want)
	}
}

// Every line below was computed by hand from the us-east-1 figures.
func TestLambdaLineItems(t *testing.T) {
	e := estimate(t, model(t, "us-east-1"), lambdaDynamo, tenMillion, small)
	near(t, "duration: 10M × 0.03 s × 0.5 GB × $0.0000133334", item(t, e, "Lambda duration (arm64)"), 2.00001)
	near(t, "Lambda requests: 10M × $0.20/M", item(t, e, "Lambda requests"), 2.00)
	near(t, "HTTP API: 10M × $1.00/M", item(t, e, "HTTP API requests"), 10.00)
	// 1500-byte answers are 10 lessons: a write is 89/41 WRU and 2/41 RRU,
	// a read 2 RRU (TestRequestUnits); per op 0.5×(89/41×0.625 +
	// 2/41×0.125) + 0.5×2×0.125 = $0.80640244 per million.
	near(t, "DynamoDB: 10M × $0.8064/M", item(t, e, "DynamoDB on-demand requests"), 8.0640244)
	near(t, "storage: 2 GB × ($0.25 + $0.20)", item(t, e, "DynamoDB storage and PITR"), 0.90)
	near(t, "logs: 10M × 600 B = 6 GB × $0.50", item(t, e, "CloudWatch Logs ingestion"), 3.00)
	near(t, "Lambda total", e.TotalUSD, 2.00001+2+10+8.0640244+0.9+3)
}

func TestFargateLineItems(t *testing.T) {
	e := estimate(t, model(t, "us-east-1"), fargateDynamo, tenMillion, small)
	// 3.8 requests/s fits one 0.25 vCPU task: 730 × (0.25×0.03238 + 0.5×0.00356).
	near(t, "one task", item(t, e, "Fargate tasks (arm64)"), 7.20875)
	near(t, "ALB hours: 730 × $0.0225", item(t, e, "ALB hours"), 16.425)
	// Processed bytes dominate: 10M × 2000 B = 20 GB a month; LCU-hours = 20 × $0.008.
	near(t, "ALB LCUs", item(t, e, "ALB capacity units"), 0.16)
	near(t, "public IPv4: (2 ALB + 1 task) × 730 × $0.005", item(t, e, "public IPv4 addresses"), 10.95)
	near(t, "NAT", item(t, e, "NAT gateways"), 0)
	// With the DynamoDB line above and the 0.9 storage and $3 logs.
	near(t, "Fargate total", e.TotalUSD, 7.20875+16.425+0.16+10.95+8.0640244+0.9+3)

	spot := small
	spot.FargateSpot = true
	es := estimate(t, model(t, "us-east-1"), fargateDynamo, tenMillion, spot)
	near(t, "Spot task", item(t, es, "Fargate tasks (arm64)"), 7.20875*0.3)
	for _, it := range es.Items {
		if strings.Contains(it.Detail, "%!") || (it.Name == "Fargate tasks (arm64)" && !strings.HasSuffix(it.Detail, ", Spot −70%")) {
			t.Errorf("%s: detail %q", it.Name, it.Detail)
		}
	}

	nat := small
	nat.NATGateways = 1
	en := estimate(t, model(t, "us-east-1"), fargateDynamo, tenMillion, nat)
	near(t, "one NAT gateway: 730 × $0.045", item(t, en, "NAT gateways"), 32.85)
	near(t, "behind NAT only the ALB has public addresses", item(t, en, "public IPv4 addresses"), 7.30)

	// 2,000 requests/s at the average needs ceil(2000/60) = 34 tasks, capped at the maximum.
	busy := tenMillion
	busy.MonthlyRequests = 2000 * 730 * 3600
	eb := estimate(t, model(t, "us-east-1"), fargateDynamo, busy, small)
	near(t, "tasks capped at 4", item(t, eb, "Fargate tasks (arm64)"), 4*7.20875)
	if len(eb.CannotCarry) == 0 || !strings.Contains(eb.CannotCarry[0], "more than the maximum") {
		t.Errorf("peak load past the maximum is not said to be more than Fargate carries: %v", eb.CannotCarry)
	}
}

func TestEC2LineItems(t *testing.T) {
	m := model(t, "us-east-1")
	e, err := m.Estimate(ec2Postgres, tenMillion, small)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "one t4g.small: 730 × $0.0168", item(t, e, "EC2 instances"), 12.264)
	near(t, "db.t4g.micro: 730 × $0.016", item(t, e, "RDS PostgreSQL instance"), 11.68)
	near(t, "20 GB gp3 × $0.115", item(t, e, "RDS storage (gp3)"), 2.30)
	near(t, "EC2 total", e.TotalUSD, 56.779)
	multi := small
	multi.MultiAZ = true
	em, _ := m.Estimate(ec2Postgres, tenMillion, multi)
	near(t, "Multi-AZ doubles the instance", item(t, em, "RDS PostgreSQL instance"), 23.36)
	if _, err := m.Estimate(ec2Postgres, tenMillion, Deployment{Sizing: Sizing{EC2InstanceType: "t4g.small", RDSInstanceClass: "db.r7g.large"}}); err == nil || !strings.Contains(err.Error(), "nearest known: db.m7g.large") {
		t.Errorf("unknown class: %v", err)
	}
}

// The other three pairs, hand-computed from the us-east-1 figures the
// tests above use: each piece costs what it costs in today's three.
func TestEveryComputeOnEitherStore(t *testing.T) {
	m := model(t, "us-east-1")
	// Lambda + PostgreSQL: the function and API as on DynamoDB ($2.00001 +
	// $2 + $10), db.t4g.micro 730 × $0.016 = $11.68, and RDS Proxy on its
	// 2 vCPUs: 2 × 730 × $0.015 = $21.90; 20 GB gp3 $2.30, no public
	// address, $3 of logs.
	lp := estimate(t, m, Pair{deploy.Lambda, deploy.Postgres}, tenMillion, small)
	near(t, "Lambda + PostgreSQL: RDS Proxy", item(t, lp, "RDS Proxy"), 21.90)
	near(t, "Lambda + PostgreSQL: instance", item(t, lp, "RDS PostgreSQL instance"), 11.68)
	near(t, "Lambda + PostgreSQL: no public address", item(t, lp, "public IPv4 addresses"), 0)
	near(t, "Lambda + PostgreSQL total", lp.TotalUSD, 2.00001+2+10+11.68+21.90+2.30+3)
	if lp.Store != deploy.Postgres || lp.Arch != deploy.Lambda || lp.RDSClass != "db.t4g.micro" {
		t.Errorf("Lambda + PostgreSQL: %s on %s, class %q", lp.Arch, lp.Store, lp.RDSClass)
	}
	// The proxy bills the instance's vCPUs: db.m6g.xlarge has 4, 4 × 730 ×
	// $0.015 = $43.80; a Multi-AZ standby doubles the instance, not the proxy.
	big := small
	big.RDSInstanceClass, big.MultiAZ = "db.m6g.xlarge", true
	lb := estimate(t, m, Pair{deploy.Lambda, deploy.Postgres}, tenMillion, big)
	near(t, "proxy on 4 vCPUs", item(t, lb, "RDS Proxy"), 43.80)
	near(t, "Multi-AZ db.m6g.xlarge: 2 × 730 × $0.318", item(t, lb, "RDS PostgreSQL instance"), 464.28)

	// Fargate + PostgreSQL: one task $7.20875, the ALB $16.425 + $0.16,
	// db.t4g.micro $11.68 (no proxy: tasks hold their own pool), $2.30 of
	// storage, (2 ALB + 1 task) addresses $10.95, $3 of logs.
	fp := estimate(t, m, Pair{deploy.Fargate, deploy.Postgres}, tenMillion, small)
	near(t, "Fargate + PostgreSQL total", fp.TotalUSD, 7.20875+16.425+0.16+11.68+2.30+10.95+3)
	for _, it := range fp.Items {
		if it.Name == "RDS Proxy" {
			t.Error("Fargate + PostgreSQL has a proxy")
		}
	}

	// EC2 + DynamoDB: one t4g.small $12.264, the ALB $16.585, the table
	// $8.0640244 + $0.90, three addresses $10.95, $3 of logs.
	ed := estimate(t, m, Pair{deploy.EC2, deploy.DynamoDB}, tenMillion, small)
	near(t, "EC2 + DynamoDB total", ed.TotalUSD, 12.264+16.425+0.16+8.0640244+0.9+10.95+3)
	if ed.RDSClass != "" {
		t.Errorf("EC2 + DynamoDB is priced on RDS class %q", ed.RDSClass)
	}

	// The store decides the database step, the compute the server step.
	all, err := m.Each(Pairs(), tenMillion, small)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range all {
		got = append(got, fmt.Sprintf("%s:%t:%t", e.Pair().Key(), e.Scale.DatabaseNextStep != "", e.Scale.NextStep != ""))
	}
	want := "lambda+dynamodb:false:false lambda+postgres:true:false fargate+dynamodb:false:true fargate+postgres:true:true ec2+dynamodb:false:true ec2+postgres:true:true"
	if strings.Join(got, " ") != want {
		t.Errorf("pairs, database step, server step:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	if _, err := m.Estimate(Pair{deploy.Lambda, "mysql"}, tenMillion, small); err == nil {
		t.Error("an unknown store was priced")
	}
}

// As instances are scaled to the traffic, so is the database: the estimate
// is priced on the cheapest class that sustains it, and says which class
// was configured. Hand-computed in us-east-1 at half writes.
func TestEC2PricesAClassThatSustainsTheTraffic(t *testing.T) {
	m := model(t, "us-east-1")
	busy := tenMillion
	busy.MonthlyRequests = 1e9
	e, err := m.Estimate(ec2Postgres, busy, small)
	if err != nil {
		t.Fatal(err)
	}
	// db.t4g.micro sustains 2 × 10% × 1500 × 0.6 / 1.5 = 120 requests/s,
	// 315M a month; 1e9 is 380.5/s, past the large burstables' 360/s, so
	// db.m6g.large (1200/s): 730 × $0.159.
	near(t, "db.m6g.large: 730 × $0.159", item(t, e, "RDS PostgreSQL instance"), 116.07)
	if d := detail(t, e, "RDS PostgreSQL instance"); !strings.HasPrefix(d, "db.m6g.large (configured db.t4g.micro sustains only 315M requests/month)") {
		t.Errorf("the line does not name the priced and the configured class: %q", d)
	}
	// One t4g.small (480/s at the target) $12.264, ALB $16.425 + 2000 GB ×
	// $0.008 = $16.00 of LCUs, RDS $116.07, 20 GB gp3 $2.30, 3 public
	// addresses $10.95, 600 GB of logs $300.
	near(t, "EC2 total at 1e9", e.TotalUSD, 474.009)
	near(t, "Total, behind the plot and the crossovers", m.Total(ec2Postgres, tenMillion, small, 1e9), 474.009)
	near(t, "below capacity the configured class stays", item(t, estimate(t, m, ec2Postgres, tenMillion, small), "RDS PostgreSQL instance"), 11.68)

	// 20B a month: no class sustains it (the largest, 4800/s, carry
	// 12.6B), so the estimate is priced on the largest and cheapest of
	// them, db.m6g.2xlarge: 730 × $0.636.
	busy.MonthlyRequests = 20e9
	e = estimate(t, m, ec2Postgres, busy, small)
	near(t, "db.m6g.2xlarge: 730 × $0.636", item(t, e, "RDS PostgreSQL instance"), 464.28)
	if d := detail(t, e, "RDS PostgreSQL instance"); !strings.HasPrefix(d, "db.m6g.2xlarge (configured db.t4g.micro") {
		t.Errorf("past every class, the line %q", d)
	}
}

// estimate prices p, failing the test on an error.
func estimate(t *testing.T, m *Model, p Pair, tr Traffic, s Deployment) Estimate {
	t.Helper()
	e, err := m.Estimate(p, tr, s)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func detail(t *testing.T, e Estimate, name string) string {
	t.Helper()
	for _, it := range e.Items {
		if it.Name == name {
			return it.Detail
		}
	}
	t.Fatalf("%s has no line %q", e.Arch, name)
	return ""
}

// The units of the DynamoDB store's operations, computed by hand from
// DynamoDB's size rules and the store's requests (units.go).
func TestRequestUnits(t *testing.T) {
	// A lesson item with UUID ids, a 20-character course id and an
	// 8-character device: pk 2 + 5 + 36, sk 2 + 7 + 20 + 1 + 36, p 1 + 30
	// + 1 + 36 + 1 + 8 + 1 + 16, c 1 + 30 bytes.
	if TypicalLessonItemBytes != 43+66+94+31 {
		t.Fatalf("typical lesson item %v bytes, want 234", TypicalLessonItemBytes)
	}
	// Per lesson, 40 heartbeats: the first a new lesson (6), 39 at 2, and
	// the completion (5): 89 write units over 41 writes; the completion's
	// answer reads the view.
	perWrite := (39*2 + 6 + 5) / 41.0
	cases := []struct {
		lessons float64
		view    float64
	}{
		{1, 2},      // the head's Query, and a unit for the lessons'
		{10, 2},     // 2,340 bytes of lessons: one unit
		{18, 3},     // 4,212 bytes: two
		{2000, 116}, // 468,000 bytes: 115 units
	}
	for _, c := range cases {
		got := StoreUnits(c.lessons)
		want := Units{WRUPerWrite: perWrite, RRUPerWrite: c.view / 41, RRUPerRead: c.view}
		if math.Abs(got.WRUPerWrite-want.WRUPerWrite) > 1e-12 || math.Abs(got.RRUPerWrite-want.RRUPerWrite) > 1e-12 || got.RRUPerRead != want.RRUPerRead {
			t.Errorf("StoreUnits(%v) = %+v, want %+v", c.lessons, got, want)
		}
	}
	if got := LessonsPerCourse(Traffic{AvgResponseBytes: 1500}); got != 10 {
		t.Errorf("a 1,500-byte answer is %v lessons, want 10", got)
	}
}

func TestRDSBreakEven(t *testing.T) {
	b, err := model(t, "us-east-1").RDSBreakEven("db.t3.micro", 0.5, 10)
	if err != nil {
		t.Fatal(err)
	}
	// $0.018 × 730 = $13.14. Ten lessons: a view reads 2 units, a write
	// 89/41 write units and 2/41 read units. Per million operations at half
	// writes: 0.5 × (89/41 × 0.625 + 2/41 × 0.125) + 0.5 × 2 × 0.125 =
	// $0.80640244; 13.14 / 0.80640244 × 1e6 = 16,294,594. Counting one write
	// unit per write: 0.5 × 0.625 + 0.5 × 2 × 0.125 = $0.4375, and 13.14 /
	// 0.4375 × 1e6 = 30,034,286. The class sustains 2 × 10% × 1500 × 0.6 /
	// 1.5 = 120 requests/s, 315,360,000 a month: well past both.
	want := BreakEven{RDSClass: "db.t3.micro", WriteRatio: 0.5, Pricing: OnDemand, RDSMonthlyUSD: 13.14, DynamoUSDPerMillion: 0.806402, BreakEvenOpsPerMonth: 16294594,
		SingleUnitUSDPerMillion: 0.4375, SingleUnitBreakEvenOps: 30034286, WhyTheTwoDiffer: whyTheyDiffer, RDSSustainedOpsPerMonth: 315360000}
	if b != want {
		t.Fatalf("got %+v, want %+v", b, want)
	}
	allReads, _ := model(t, "us-east-1").RDSBreakEven("db.t3.micro", 0, 10)
	if allReads.BreakEvenOpsPerMonth != 52560000 { // 13.14 / (2 × 0.125)
		t.Errorf("read-only break-even %v", allReads.BreakEvenOpsPerMonth)
	}
	if _, err := model(t, "us-east-1").RDSBreakEven("db.t3.micro", 1.5, 10); err == nil {
		t.Error("write ratio 1.5 accepted")
	}
}

func TestLambdaFargateCrossover(t *testing.T) {
	m := model(t, "us-east-1")
	x := m.Crossover(lambdaDynamo, fargateDynamo, tenMillion, small, SearchLo, SearchHi)
	if x <= 1e6 || x >= 1e9 {
		t.Fatalf("crossover at %v requests, outside any plausible range", x)
	}
	if m.Total(lambdaDynamo, tenMillion, small, x) < m.Total(fargateDynamo, tenMillion, small, x) {
		t.Errorf("at the crossover Lambda is still cheaper")
	}
	if m.Total(lambdaDynamo, tenMillion, small, x*0.99) >= m.Total(fargateDynamo, tenMillion, small, x*0.99) {
		t.Errorf("just below the crossover Lambda is not cheaper")
	}
	// Per request Lambda costs 10M→$14.00 of compute, requests and API;
	// Fargate's fixed ~$34.6 (ALB, one task, IPv4) is met near 25M requests.
	if x < 20e6 || x > 30e6 {
		t.Errorf("crossover %v, want about 25M", x)
	}
}

func TestRecommend(t *testing.T) {
	m := model(t, "us-east-1")
	low := tenMillion
	low.MonthlyRequests = 300e3
	high := tenMillion
	high.MonthlyRequests = 1e9
	spiky := tenMillion
	spiky.MonthlyRequests = 30e6
	spiky.PeakToAverage = 20
	cases := []struct {
		name       string
		t          Traffic
		relational bool
		want       Pair
		mention    string
	}{
		{"low traffic", low, false, lambdaDynamo, "Low traffic"},
		// At 1B a month (380.5/s) the servers on DynamoDB share the table
		// ($806.40 + $0.90), the ALB ($32.43) and $300 of logs. One
		// t4g.small carries 480/s at the target: $12.264 and 3 addresses
		// ($10.95), $1162.94; Fargate runs its maximum of 4 tasks
		// ($28.835) with 6 addresses ($21.90), $1190.46.
		{"sustained high traffic", high, false, Pair{deploy.EC2, deploy.DynamoDB}, "Sustained high traffic → EC2 + DynamoDB: $1162.94/month"},
		// On PostgreSQL at 300k a month Lambda's own lines are $0.42, the
		// database $11.68 + $2.30 of storage, the proxy $21.90, logs $0.09:
		// $36.39, against $48.66 for Fargate and $53.71 for EC2.
		{"relational needs", low, true, Pair{deploy.Lambda, deploy.Postgres}, "Relational needs (reporting joins, SQL analysts) → PostgreSQL"},
		{"spiky just past the crossover", spiky, false, lambdaDynamo, "Spiky"},
	}
	for _, c := range cases {
		r, err := m.Recommend(c.t, small, c.relational)
		if err != nil {
			t.Fatal(err)
		}
		if (Pair{r.Arch, r.Store}) != c.want || len(r.Reasons) < 2 || !strings.Contains(r.Reasons[0], c.mention) || !strings.Contains(r.Reasons[0], "$") {
			t.Errorf("%s: %s on %s %v", c.name, r.Arch, r.Store, r.Reasons)
		}
	}
	// The last reason prices the other store: at 1B a month EC2 +
	// PostgreSQL costs $474.01 (TestEC2PricesAClassThatSustainsTheTraffic),
	// $688.93 less than EC2 + DynamoDB.
	r, _ := m.Recommend(high, small, false)
	if last := r.Reasons[len(r.Reasons)-1]; last != "On PostgreSQL the cheapest that carries it is EC2 + PostgreSQL: $474.01/month, $688.93 less than the pick, with a database class to size as traffic grows." {
		t.Errorf("the other store's line: %q", last)
	}
}

// A pair that cannot carry the traffic is not recommended, and the
// reasons say why; the one recommended is priced as it would run.
func TestRecommendOnlyWhatCarriesTheLoad(t *testing.T) {
	m := model(t, "us-east-1")
	at := func(requests float64) Traffic { tr := tenMillion; tr.MonthlyRequests = requests; return tr }
	// Roomy instances: 1-vCPU tasks carry 400/s each and c7g.2xlarge
	// 3200/s, so at 20B a month (7610/s) Fargate needs 20 of its 100
	// tasks and EC2 3 of 10 instances; only the database falls short
	// (the largest classes sustain 12.6B).
	spikyAt := func(requests float64) Traffic { tr := at(requests); tr.PeakToAverage = 20; return tr }
	peakTwice := at(2e9)
	peakTwice.PeakToAverage = 2
	oneTask := small
	oneTask.FargateMaxTasks = 1
	oneInstance := small
	oneInstance.EC2MaxInstances = 1
	roomy := small
	roomy.FargateCPU, roomy.FargateMemoryMiB, roomy.FargateMaxTasks = 1024, 2048, 100
	roomy.EC2InstanceType, roomy.EC2MaxInstances = "c7g.2xlarge", 10
	cases := []struct {
		name       string
		t          Traffic
		s          Deployment
		relational bool
		want       Pair
		mentions   []string
	}{
		// 2B a month is 761/s; 0.25-vCPU tasks carry 100/s at most, so
		// Fargate needs 8 of its 4. One t4g.small carries 800/s.
		{"Fargate past its maximum", at(2e9), small, false, Pair{deploy.EC2, deploy.DynamoDB}, []string{"Fargate + DynamoDB cannot carry", "more than the maximum of 4"}},
		// Peaks of 1522/s need 2 t4g.small, more than 1, and 16 tasks.
		{"only Lambda carries", peakTwice, oneInstance, false, lambdaDynamo, []string{"Lambda + DynamoDB is the only DynamoDB architecture that carries 2B requests/month", "Fargate + DynamoDB cannot carry", "EC2 + DynamoDB cannot carry"}},
		// EC2's 4 c7g.2xlarge ($846.80) and 6 addresses undercut Fargate's
		// 32 tasks ($922.72) and 34.
		{"relational, no RDS class sustains it", at(20e9), roomy, true, Pair{deploy.EC2, deploy.DynamoDB},
			[]string{"Relational needs point to PostgreSQL, but Lambda + PostgreSQL, Fargate + PostgreSQL and EC2 + PostgreSQL cannot carry 20B requests/month", "no RDS class in the catalogue sustains 20B"}},
		// EC2 + RDS at 1e9 on db.m6g.large, not db.t4g.micro: $474.01 (see
		// TestEC2PricesAClassThatSustainsTheTraffic).
		{"relational, priced on the class it needs", at(1e9), small, true, ec2Postgres, []string{"$474.01/month"}},
		// One 0.25-vCPU task carries a 100/s peak. At 5M a month and peaks
		// 20× the average (38/s) it does; at the ~25M crossover (190/s)
		// it does not.
		{"a crossover Fargate cannot reach", spikyAt(5e6), oneTask, false, lambdaDynamo, []string{"though Fargate cannot carry that traffic"}},
	}
	for _, c := range cases {
		r, err := m.Recommend(c.t, c.s, c.relational)
		if err != nil {
			t.Fatal(err)
		}
		all := strings.Join(r.Reasons, "\n")
		if (Pair{r.Arch, r.Store}) != c.want {
			t.Errorf("%s: picked %s on %s, want %s:\n%s", c.name, r.Arch, r.Store, c.want.Key(), all)
		}
		for _, want := range c.mentions {
			if !strings.Contains(all, want) {
				t.Errorf("%s: the reasons do not say %q:\n%s", c.name, want, all)
			}
		}
	}
}

func TestRegions(t *testing.T) {
	tbl, err := LoadTable()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{"us-east-1", "eu-west-2"} {
		p, err := tbl.Region(r)
		if err != nil {
			t.Fatal(err)
		}
		if p.ALBHour.USD <= 0 || p.DynamoWRUPerMillion.USD <= 0 || p.ALBHour.Source == "" || p.ALBHour.Date == "" {
			t.Errorf("%s: incomplete figures", r)
		}
	}
	if _, err := tbl.Region("eu-west-3"); err == nil || !strings.Contains(err.Error(), "nearest known: eu-west-1, eu-west-2") {
		t.Errorf("unknown region: %v", err)
	}
	london := estimate(t, model(t, "eu-west-2"), lambdaDynamo, tenMillion, small)
	near(t, "London HTTP API: 10M × $1.11", item(t, london, "HTTP API requests"), 11.10)
}

func TestPlotFiles(t *testing.T) {
	m := model(t, "us-east-1")
	for _, name := range []string{"cost.svg", "cost.png"} {
		path := filepath.Join(t.TempDir(), name)
		if err := m.Plot(path, Pairs(), tenMillion, small); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) < 10000 {
			t.Errorf("%s is only %d bytes", name, len(b))
		}
		switch filepath.Ext(name) {
		case ".svg":
			for _, want := range []string{"<svg", "Lambda + HTTP API + DynamoDB", "Lambda + HTTP API + RDS Proxy + RDS PostgreSQL", "Fargate + ALB + RDS PostgreSQL", "EC2 + ALB + DynamoDB", "lambda+dynamodb = fargate+dynamodb"} {
				if !bytes.Contains(b, []byte(want)) {
					t.Errorf("svg lacks %q", want)
				}
			}
		case ".png":
			if !bytes.HasPrefix(b, []byte("\x89PNG")) {
				t.Error("not a PNG")
			}
		}
	}
	if err := m.Plot(filepath.Join(t.TempDir(), "cost.gif"), Pairs(), tenMillion, small); err == nil {
		t.Error(".gif accepted")
	}
}
