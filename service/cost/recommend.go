package cost

import (
	"fmt"
	"math"
	"strings"

	"github.com/progresskit/progresskit/service/deploy"
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

// archNames are the architectures as reasons name them.
var archNames = map[string]string{
	deploy.Lambda:  "Lambda + DynamoDB",
	deploy.Fargate: "Fargate + DynamoDB",
	deploy.EC2:     "EC2 + RDS PostgreSQL",
}

// Recommend applies the rules to the architectures that carry the traffic:
// relational needs → EC2 + RDS; low or spiky traffic → Lambda + DynamoDB;
// sustained high traffic → Fargate + DynamoDB. One that cannot carry it is
// left out, and the reasons say why.
func (m *Model) Recommend(t Traffic, s Deployment, relational bool) (Recommendation, error) {
	all, err := m.All(t, s)
	if err != nil {
		return Recommendation{}, err
	}
	est := map[string]Estimate{}
	for _, e := range all {
		est[e.Arch] = e
	}
	cross := m.Crossover(DefaultPair(deploy.Lambda), DefaultPair(deploy.Fargate), t, s, SearchLo, SearchHi)
	r := Recommendation{Estimates: all, LambdaFargateCrossover: cross}
	req := fmt.Sprintf("%s requests/month", Human(t.MonthlyRequests))
	switch {
	case relational && est[deploy.EC2].Carries():
		r.Arch = deploy.EC2
		r.Reasons = []string{fmt.Sprintf("Relational needs (reporting joins, SQL analysts) → EC2 + RDS PostgreSQL: $%.2f/month at %s; progress is jsonb rows analysts can query.", est[deploy.EC2].TotalUSD, req)}
		if others := costsOf(est, deploy.Lambda, deploy.Fargate); others != "" {
			r.Reasons = append(r.Reasons, "For comparison: "+others+".")
		}
	default:
		r.Arch, r.Reasons = m.dynamoPick(t, s, est, cross, req)
	}
	// The pick's own reason first, then what was left out and why.
	r.Reasons = append(r.Reasons[:1], append(leftOut(est, req, relational), r.Reasons[1:]...)...)
	return r, nil
}

// dynamoPick chooses between the DynamoDB architectures that carry the
// traffic; "" when neither does.
func (m *Model) dynamoPick(t Traffic, s Deployment, est map[string]Estimate, cross float64, req string) (string, []string) {
	lambda, fargate := est[deploy.Lambda], est[deploy.Fargate]
	if !lambda.Carries() || !fargate.Carries() {
		return onlyCarrier(lambda, fargate, req)
	}
	switch {
	case cross == 0 || t.MonthlyRequests < cross:
		return deploy.Lambda, []string{
			fmt.Sprintf("Low traffic → Lambda + DynamoDB: $%.2f/month at %s, against %s.", lambda.TotalUSD, req, costsOf(est, deploy.Fargate, deploy.EC2)),
			m.crossLine(cross, t, s),
		}
	case t.PeakToAverage >= SpikyPeakToAverage && lambda.TotalUSD <= 1.25*fargate.TotalUSD:
		return deploy.Lambda, []string{
			fmt.Sprintf("Spiky traffic (peak %.0f× the average) → Lambda + DynamoDB: $%.2f/month at %s, within 25%% of Fargate's $%.2f, with no capacity to size for the peaks.", t.PeakToAverage, lambda.TotalUSD, req, fargate.TotalUSD),
			m.crossLine(cross, t, s),
		}
	default:
		return deploy.Fargate, []string{
			fmt.Sprintf("Sustained high traffic → Fargate + DynamoDB: $%.2f/month at %s, against $%.2f for Lambda.", fargate.TotalUSD, req, lambda.TotalUSD),
			m.crossLine(cross, t, s),
		}
	}
}

// onlyCarrier picks whichever of two architectures carries the traffic
// when the other cannot; "" when neither does.
func onlyCarrier(a, b Estimate, req string) (string, []string) {
	only := a
	if !a.Carries() {
		only = b
	}
	if !only.Carries() {
		return "", []string{fmt.Sprintf("No architecture carries %s at this sizing: raise the maxima or the sizes.", req)}
	}
	return only.Arch, []string{fmt.Sprintf("%s is the only DynamoDB architecture that carries %s at this sizing: $%.2f/month.", archNames[only.Arch], req, only.TotalUSD)}
}

// costsOf lists the monthly cost of those of arches that carry the
// traffic: "$80.03 for Fargate + DynamoDB and $89.83 for EC2 + RDS
// PostgreSQL".
func costsOf(est map[string]Estimate, arches ...string) string {
	var parts []string
	for _, a := range arches {
		if e := est[a]; e.Carries() {
			parts = append(parts, fmt.Sprintf("$%.2f for %s", e.TotalUSD, archNames[a]))
		}
	}
	return strings.Join(parts, " and ")
}

// leftOut is a reason for each architecture that cannot carry the traffic.
func leftOut(est map[string]Estimate, req string, relational bool) []string {
	var out []string
	for _, a := range deploy.Computes {
		e := est[a]
		if e.Carries() {
			continue
		}
		lead := archNames[a]
		if a == deploy.EC2 && relational {
			lead = "Relational needs point to " + lead + ", but it"
		}
		out = append(out, fmt.Sprintf("%s cannot carry %s at this sizing: %s.", lead, req, strings.Join(e.CannotCarry, "; ")))
	}
	return out
}

// crossLine says where Lambda stops being cheaper than Fargate, and whether
// Fargate at this sizing could carry the traffic there.
func (m *Model) crossLine(cross float64, t Traffic, s Deployment) string {
	if cross == 0 {
		return fmt.Sprintf("Lambda stays cheaper than Fargate up to %s requests/month at this sizing.", Human(SearchHi))
	}
	line := fmt.Sprintf("Lambda + HTTP API stops being cheaper than Fargate + ALB at about %s requests/month at this sizing", Human(cross))
	t.MonthlyRequests = cross
	if fargate, _ := m.Estimate(DefaultPair(deploy.Fargate), t, s); !fargate.Carries() {
		line += ", though Fargate cannot carry that traffic at this sizing"
	}
	return line + "."
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
