package cost

import (
	"fmt"
	"math"
)

// Assumptions of the database capacity model, named so they can be read
// and challenged. A write is one call of progress_join (pgstore), which
// locks the course row, reads the lessons it touches and upserts them and
// the row: counted as two simple statements' work; a read is one. The
// per-vCPU figure is deliberately far below what 'make bench' measures on
// loopback (its pgbench row): RDS adds a network round trip per statement,
// EBS commit latency and, with Multi-AZ, a synchronous standby. Measure a
// deployed stack with 'progress probe --rate' and read DatabaseCpu.
const (
	DatabaseStatementsPerSecondPerVCPU = 1500.0
	statementsPerWrite                 = 2.0
	statementsPerRead                  = 1.0
)

// databaseRequestsPerSecond is the requests a second class sustains at
// the scaling target, at the traffic's write ratio; 0 for a class the
// catalogue does not describe.
func (m *Model) databaseRequestsPerSecond(class string, writeRatio float64) float64 {
	c, ok := m.RDSClasses[class]
	if !ok {
		return 0
	}
	perRequest := writeRatio*statementsPerWrite + (1-writeRatio)*statementsPerRead
	return c.VCPUs * c.Baseline * DatabaseStatementsPerSecondPerVCPU * TargetUtilisation / perRequest
}

// rdsOption is a priced class and the monthly requests it sustains.
type rdsOption struct {
	class         string
	usd, capacity float64
}

// databaseCapacity is the monthly requests class sustains at the scaling
// target at writeRatio; 0 for a class with no capacity figure.
func (m *Model) databaseCapacity(class string, writeRatio float64) float64 {
	return math.Round(m.databaseRequestsPerSecond(class, writeRatio) * m.Hours * 3600)
}

// cheapestClass is the cheapest priced class whose capacity passes ok (ties
// by name, so the answer does not depend on map order); "" when none does.
func (m *Model) cheapestClass(writeRatio float64, ok func(capacity float64) bool) string {
	var best rdsOption
	for _, c := range m.P.RDSClasses() {
		o := rdsOption{c, m.P.RDSInstanceHour[c].USD, m.databaseCapacity(c, writeRatio)}
		if o.capacity == 0 || !ok(o.capacity) {
			continue
		}
		if best.class == "" || o.usd < best.usd {
			best = o
		}
	}
	return best.class
}

// databaseStep is the RDS class to move to next from class, and the
// monthly requests at which class is at the scaling target. The step must
// carry the traffic it is taken at: below capacity that is class's own
// capacity, so the cheapest class that sustains more; past it, today's
// traffic, so the cheapest class that sustains that. An empty class means
// none in the catalogue does.
func (m *Model) databaseStep(class string, t Traffic) (next string, atRequests float64) {
	atRequests = m.databaseCapacity(class, t.WriteRatio)
	if atRequests == 0 {
		return "", 0
	}
	next = m.cheapestClass(t.WriteRatio, func(capacity float64) bool {
		return capacity > atRequests && capacity >= t.MonthlyRequests
	})
	return next, atRequests
}

// databaseClass is the RDS class an estimate at t is priced on, as EC2
// instances are scaled to the traffic: configured while it sustains the
// traffic (or has no capacity figure to judge by), else the cheapest class
// that does. When none does it is the largest, and short says so.
func (m *Model) databaseClass(configured string, t Traffic) (class, short string) {
	next, at := m.databaseStep(configured, t)
	switch {
	case at == 0 || t.MonthlyRequests <= at:
		return configured, ""
	case next != "":
		return next, ""
	}
	class = m.largestClass(configured, t.WriteRatio)
	return class, fmt.Sprintf("no RDS class in the catalogue sustains %s requests/month at %.0f%% writes; priced on the largest, %s, which sustains %s",
		Human(t.MonthlyRequests), t.WriteRatio*100, class, Human(m.databaseCapacity(class, t.WriteRatio)))
}

// largestClass is the class with the most capacity: configured when it has
// as much as any, else the cheapest of those that do.
func (m *Model) largestClass(configured string, writeRatio float64) string {
	most := 0.0
	for _, c := range m.P.RDSClasses() {
		most = max(most, m.databaseCapacity(c, writeRatio))
	}
	if m.databaseCapacity(configured, writeRatio) == most {
		return configured
	}
	return m.cheapestClass(writeRatio, func(capacity float64) bool { return capacity == most })
}

// databaseScale fills sc's database step for class at traffic t.
func (m *Model) databaseScale(sc *Scale, class string, t Traffic) {
	next, at := m.databaseStep(class, t)
	if at == 0 {
		sc.Database = fmt.Sprintf("no capacity figure for RDS class %s, so the model does not step it", class)
		return
	}
	sc.DatabaseNextStep, sc.DatabaseNextStepAtRequests = next, at
	past := t.MonthlyRequests > at
	switch {
	case past && next != "":
		sc.Database = fmt.Sprintf("%s is past its sustained capacity (%s requests/month at %.0f%% writes): move to %s now, the cheapest class that sustains %s (the estimate is priced on it)",
			class, Human(at), t.WriteRatio*100, next, Human(t.MonthlyRequests))
	case past:
		sc.Database = fmt.Sprintf("%s is past its sustained capacity (%s requests/month at %.0f%% writes) and no class in the catalogue sustains %s: beyond the largest, a read replica or DynamoDB",
			class, Human(at), t.WriteRatio*100, Human(t.MonthlyRequests))
	case next == "":
		sc.Database = fmt.Sprintf("%s is the largest class in the catalogue; beyond it, a read replica or DynamoDB", class)
	}
}
