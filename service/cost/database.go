package cost

import (
	"cmp"
	"fmt"
	"math"
	"sort"
)

// Assumptions of the database capacity model, named so they can be read
// and challenged. A write is two statements (pgstore reads the row and its
// version, then writes it conditionally) and a read is one. The per-vCPU
// figure is deliberately far below what 'make bench' measures on loopback
// (its pgbench row): RDS adds a network round trip per statement, EBS
// commit latency and, with Multi-AZ, a synchronous standby. Measure a
// deployed stack with 'progress probe --rate' and read DatabaseCpu.
const (
	DatabaseStatementsPerSecondPerVCPU = 1500.0
	statementsPerWrite                 = 2.0
	statementsPerRead                  = 1.0
)

// rdsCPU is an RDS class's vCPUs and the share of them it can use all the
// time: burstable classes (db.t3, db.t4g) run at a baseline and spend
// credits above it, so their sustained capacity is the baseline, as AWS
// publishes it per size. A test keeps this complete for the catalogue.
type rdsCPU struct {
	VCPUs    float64
	Baseline float64 // 1 for fixed-performance classes
}

var rdsCPUs = map[string]rdsCPU{
	"db.t3.micro": {2, 0.10}, "db.t3.small": {2, 0.20}, "db.t3.medium": {2, 0.20}, "db.t3.large": {2, 0.30},
	"db.t4g.micro": {2, 0.10}, "db.t4g.small": {2, 0.20}, "db.t4g.medium": {2, 0.20}, "db.t4g.large": {2, 0.30},
	"db.m6g.large": {2, 1}, "db.m6g.xlarge": {4, 1}, "db.m6g.2xlarge": {8, 1},
	"db.m7g.large": {2, 1}, "db.m7g.xlarge": {4, 1}, "db.m7g.2xlarge": {8, 1},
}

// databaseRequestsPerSecond is the requests a second class sustains at
// the scaling target, at the traffic's write ratio; 0 for an unknown
// class.
func databaseRequestsPerSecond(class string, writeRatio float64) float64 {
	c, ok := rdsCPUs[class]
	if !ok {
		return 0
	}
	perRequest := writeRatio*statementsPerWrite + (1-writeRatio)*statementsPerRead
	return c.VCPUs * c.Baseline * DatabaseStatementsPerSecondPerVCPU * TargetUtilisation / perRequest
}

// databaseStep is the RDS class to move to next from class, and the
// monthly requests at which the current one is at the scaling target: the
// cheapest class in the region that sustains more. An empty class means
// none in the catalogue does.
func (m *Model) databaseStep(class string, t Traffic) (next string, atRequests float64) {
	current := databaseRequestsPerSecond(class, t.WriteRatio)
	if current == 0 {
		return "", 0
	}
	atRequests = math.Round(current * m.Hours * 3600)
	type option struct {
		class    string
		usd, rps float64
	}
	var larger []option
	for _, c := range m.P.RDSClasses() {
		if rps := databaseRequestsPerSecond(c, t.WriteRatio); rps > current {
			larger = append(larger, option{c, m.P.RDSInstanceHour[c].USD, rps})
		}
	}
	if len(larger) == 0 {
		return "", atRequests
	}
	sort.Slice(larger, func(i, j int) bool {
		if larger[i].usd != larger[j].usd {
			return larger[i].usd < larger[j].usd
		}
		return larger[i].class < larger[j].class
	})
	return larger[0].class, atRequests
}

// databaseScale fills sc's database step for class at traffic t.
func (m *Model) databaseScale(sc *Scale, class string, t Traffic) {
	next, at := m.databaseStep(class, t)
	switch {
	case at == 0:
		sc.Database = fmt.Sprintf("no capacity figure for RDS class %s, so the model does not step it", class)
	case next == "":
		sc.DatabaseNextStepAtRequests = at
		sc.Database = fmt.Sprintf("%s is the largest class in the catalogue; beyond it, a read replica or DynamoDB", class)
	default:
		sc.DatabaseNextStep, sc.DatabaseNextStepAtRequests = next, at
	}
	if at > 0 && t.RequestsPerMonth > at {
		sc.Database = fmt.Sprintf("%s is past its sustained capacity (%s requests/month at %.0f%% writes): move to %s now",
			class, Human(at), t.WriteRatio*100, cmp.Or(next, "a larger class"))
	}
}
