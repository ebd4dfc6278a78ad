package cost

import (
	"fmt"
	"math"
)

// SpikyPeakToAverage is where traffic counts as spiky: Lambda's per-request
// price absorbs peaks that fixed capacity must be sized for.
const SpikyPeakToAverage = 10.0

// Crossover search range, requests per month.
const (
	SearchLo = 1e3
	SearchHi = 1e11
)

// Recommendation names the architecture to pick and why.
type Recommendation struct {
	Arch      string     `json:"arch"`
	Reasons   []string   `json:"reasons"`
	Estimates []Estimate `json:"estimates"`
	// LambdaFargateCrossover is where Lambda + HTTP API stops being cheaper
	// than Fargate behind an ALB (0: not within the search range).
	LambdaFargateCrossover float64 `json:"lambdaFargateCrossoverRequests"`
}

// Recommend applies the rules: relational needs → EC2 + RDS; low or spiky
// traffic → Lambda + DynamoDB; sustained high traffic → Fargate + DynamoDB.
func (m *Model) Recommend(t Traffic, s Sizing, relational bool) (Recommendation, error) {
	all, err := m.All(t, s)
	if err != nil {
		return Recommendation{}, err
	}
	cost := map[string]float64{}
	for _, e := range all {
		cost[e.Arch] = e.TotalUSD
	}
	cross := m.Crossover(ArchLambda, ArchFargate, t, s, SearchLo, SearchHi)
	r := Recommendation{Estimates: all, LambdaFargateCrossover: cross}
	req := fmt.Sprintf("%s requests/month", Human(t.RequestsPerMonth))
	switch {
	case relational:
		r.Arch = ArchEC2
		r.Reasons = []string{
			fmt.Sprintf("Relational needs (reporting joins, SQL analysts) → EC2 + RDS PostgreSQL: $%.2f/month at %s; progress is jsonb rows analysts can query.", cost[ArchEC2], req),
			fmt.Sprintf("For comparison, Lambda + DynamoDB would cost $%.2f and Fargate + DynamoDB $%.2f.", cost[ArchLambda], cost[ArchFargate]),
		}
	case cross == 0 || t.RequestsPerMonth < cross:
		r.Arch = ArchLambda
		r.Reasons = []string{
			fmt.Sprintf("Low traffic → Lambda + DynamoDB: $%.2f/month at %s, against $%.2f for Fargate and $%.2f for EC2 + RDS.", cost[ArchLambda], req, cost[ArchFargate], cost[ArchEC2]),
			crossLine(cross),
		}
	case t.PeakToAverage >= SpikyPeakToAverage && cost[ArchLambda] <= 1.25*cost[ArchFargate]:
		r.Arch = ArchLambda
		r.Reasons = []string{
			fmt.Sprintf("Spiky traffic (peak %.0f× the average) → Lambda + DynamoDB: $%.2f/month at %s, within 25%% of Fargate's $%.2f, with no capacity to size for the peaks.", t.PeakToAverage, cost[ArchLambda], req, cost[ArchFargate]),
			crossLine(cross),
		}
	default:
		r.Arch = ArchFargate
		r.Reasons = []string{
			fmt.Sprintf("Sustained high traffic → Fargate + DynamoDB: $%.2f/month at %s, against $%.2f for Lambda.", cost[ArchFargate], req, cost[ArchLambda]),
			crossLine(cross),
		}
	}
	return r, nil
}

func crossLine(cross float64) string {
	if cross == 0 {
		return fmt.Sprintf("Lambda stays cheaper than Fargate up to %s requests/month at this sizing.", Human(SearchHi))
	}
	return fmt.Sprintf("Lambda + HTTP API stops being cheaper than Fargate + ALB at about %s requests/month at this sizing.", Human(cross))
}

// Human prints 1234567 as 1.23M.
func Human(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e9:
		return fmt.Sprintf("%.3gB", v/1e9)
	case a >= 1e6:
		return fmt.Sprintf("%.3gM", v/1e6)
	case a >= 1e3:
		return fmt.Sprintf("%.3gk", v/1e3)
	default:
		return fmt.Sprintf("%.0f", v)
	}
}
