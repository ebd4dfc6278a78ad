package cost

import (
	"errors"
	"math"
)

// BreakEven is the monthly operation count at which DynamoDB on-demand costs
// as much as an RDS instance (instance alone, single-AZ, a month of hours).
type BreakEven struct {
	RDSClass             string  `json:"rdsClass"`
	WriteRatio           float64 `json:"writeRatio"`
	Pricing              Pricing `json:"pricing"`
	RDSMonthlyUSD        float64 `json:"rdsMonthlyUSD"`
	DynamoUSDPerMillion  float64 `json:"dynamodbUSDPerMillionOps"`
	BreakEvenOpsPerMonth float64 `json:"breakEvenOpsPerMonth"`
	// The same with a write costing one write unit and nothing else: the
	// assumption behind published rules of thumb.
	SingleUnitUSDPerMillion float64 `json:"singleUnitWriteUSDPerMillionOps"`
	SingleUnitBreakEvenOps  float64 `json:"singleUnitWriteBreakEvenOpsPerMonth"`
	WhyTheTwoDiffer         string  `json:"whyTheTwoDiffer"`
	// RDSSustainedOpsPerMonth is what the class sustains at the write
	// ratio (see DatabaseStatementsPerSecondPerVCPU): past it the class is
	// too small, so a break-even beyond it compares DynamoDB with a
	// database that could not carry the load. 0: no capacity figure.
	RDSSustainedOpsPerMonth float64 `json:"rdsSustainedOpsPerMonth,omitempty"`
}

// PastCapacity reports whether a break-even lies beyond what the class
// sustains.
func (b BreakEven) PastCapacity() bool {
	return b.RDSSustainedOpsPerMonth > 0 && max(b.BreakEvenOpsPerMonth, b.SingleUnitBreakEvenOps) > b.RDSSustainedOpsPerMonth
}

// whyTheyDiffer is the one line breakeven prints beside both figures.
const whyTheyDiffer = "a heartbeat updates two items (the course's head and the lesson), two write units; a completion and a lesson's first event are transactions; rules of thumb count one write unit per write"

// RDSBreakEven computes the DynamoDB/RDS break-even for courses of
// lessons lessons.
func (m *Model) RDSBreakEven(class string, writeRatio, lessons float64) (BreakEven, error) {
	if writeRatio < 0 || writeRatio > 1 {
		return BreakEven{}, errors.New("write ratio must be between 0 and 1")
	}
	hour, err := m.P.rdsHour(class)
	if err != nil {
		return BreakEven{}, err
	}
	if m.Pricing == Reserved {
		hour *= 1 - m.P.RDSReserved.USD
	}
	b := BreakEven{RDSClass: class, WriteRatio: writeRatio, Pricing: m.Pricing, RDSMonthlyUSD: round2(hour * m.Hours)}
	units := StoreUnits(lessons)
	perM := m.DynamoUSDPerMillionOps(writeRatio, units)
	b.DynamoUSDPerMillion = round6(perM)
	b.BreakEvenOpsPerMonth = math.Round(hour * m.Hours / perM * 1e6)
	single := m.DynamoUSDPerMillionOps(writeRatio, Units{RRUPerRead: units.RRUPerRead, WRUPerWrite: 1})
	b.SingleUnitUSDPerMillion = round6(single)
	b.SingleUnitBreakEvenOps = math.Round(hour * m.Hours / single * 1e6)
	b.WhyTheTwoDiffer = whyTheyDiffer
	b.RDSSustainedOpsPerMonth = m.databaseCapacity(class, writeRatio)
	return b, nil
}

// Crossover finds the smallest monthly request count in [lo, hi] at which
// pair a costs at least as much as pair b, searching a log scale and then
// bisecting (costs are monotone in requests but step with task counts). It
// returns 0 when a stays cheaper over the whole range, and lo when a is
// never cheaper.
func (m *Model) Crossover(a, b Pair, t Traffic, s Deployment, lo, hi float64) float64 {
	aboveAt := func(r float64) bool { return m.Total(a, t, s, r) >= m.Total(b, t, s, r) }
	if aboveAt(lo) {
		return lo
	}
	const steps = 200
	prev := lo
	for i := 1; i <= steps; i++ {
		r := lo * math.Pow(hi/lo, float64(i)/steps)
		if aboveAt(r) {
			low, high := prev, r
			for high-low > max(1, low*1e-6) {
				mid := (low + high) / 2
				if aboveAt(mid) {
					high = mid
				} else {
					low = mid
				}
			}
			return math.Round(high)
		}
		prev = r
	}
	return 0
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }
func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }
