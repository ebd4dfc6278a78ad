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

// Recommendation names the pair to pick and why.
type Recommendation struct {
	// Arch is the compute to pick and Store the store it runs on; both
	// are empty when no pair carries the traffic, and the reasons say why.
	Arch      string     `json:"arch"`
	Store     string     `json:"store"`
	Reasons   []string   `json:"reasons"`
	Estimates []Estimate `json:"estimates"`
	// LambdaFargateCrossover is where Lambda + HTTP API stops being cheaper
	// than Fargate behind an ALB, both on DynamoDB (0: not within the
	// search range).
	LambdaFargateCrossover float64 `json:"lambdaFargateCrossoverRequests"`
}

// Recommend applies the rules to the pairs that carry the traffic. The
// store first: relational needs (reporting joins, SQL analysts) →
// PostgreSQL; otherwise DynamoDB, which has no instance to size. Then the
// compute on that store: low or spiky traffic → Lambda; sustained high
// traffic → the cheaper of Fargate and EC2. A pair that cannot carry the
// traffic is left out, and the reasons say why; when no pair on PostgreSQL
// carries it, relational needs yield to DynamoDB. The last reason prices
// the cheapest pair on the other store.
func (m *Model) Recommend(t Traffic, s Deployment, relational bool) (Recommendation, error) {
	all, err := m.All(t, s)
	if err != nil {
		return Recommendation{}, err
	}
	est := map[Pair]Estimate{}
	for _, e := range all {
		est[e.Pair()] = e
	}
	cross := m.Crossover(DefaultPair(deploy.Lambda), DefaultPair(deploy.Fargate), t, s, SearchLo, SearchHi)
	r := Recommendation{Estimates: all, LambdaFargateCrossover: cross}
	req := fmt.Sprintf("%s requests/month", Human(t.MonthlyRequests))
	store, other, lead := deploy.DynamoDB, deploy.Postgres, ""
	if _, ok := cheapestCarrier(est, on(deploy.Postgres)...); relational && ok {
		store, other = deploy.Postgres, deploy.DynamoDB
		lead = "Relational needs (reporting joins, SQL analysts) → PostgreSQL, where progress is jsonb rows analysts can query. "
	}
	pick, reasons := m.computeOn(store, t, s, est, req)
	r.Arch, r.Store = pick.Compute, pick.Store
	// The pick's own reason first, then what was left out and why.
	r.Reasons = append([]string{lead + reasons[0]}, leftOut(est, store, req, "")...)
	if relational && store != deploy.Postgres {
		r.Reasons = append(r.Reasons, leftOut(est, deploy.Postgres, req, "Relational needs point to PostgreSQL, but ")...)
	}
	r.Reasons = append(r.Reasons, reasons[1:]...)
	if e, ok := cheapestCarrier(est, on(other)...); ok {
		line := fmt.Sprintf("On %s the cheapest that carries it is %s: $%.2f/month", deploy.StoreTitle(other), e.Pair().Title(), e.TotalUSD)
		if picked := est[pick]; picked.Carries() && e.TotalUSD < picked.TotalUSD {
			line += fmt.Sprintf(", $%.2f less than the pick", picked.TotalUSD-e.TotalUSD)
			if other == deploy.Postgres {
				line += ", with a database class to size as traffic grows"
			}
		}
		r.Reasons = append(r.Reasons, line+".")
	}
	return r, nil
}

// on lists each compute on store, in deploy.Computes order.
func on(store string) []Pair {
	out := make([]Pair, len(deploy.Computes))
	for i, c := range deploy.Computes {
		out[i] = Pair{c, store}
	}
	return out
}

// computeOn chooses the compute on store among the pairs that carry the
// traffic: Lambda below its crossover with the cheaper server (Fargate or
// EC2) or when traffic is spiky, else that server.
func (m *Model) computeOn(store string, t Traffic, s Deployment, est map[Pair]Estimate, req string) (Pair, []string) {
	lambda := est[Pair{deploy.Lambda, store}]
	servers := []Pair{{deploy.Fargate, store}, {deploy.EC2, store}}
	server, ok := cheapestCarrier(est, servers...)
	if !lambda.Carries() || !ok {
		return onlyCarrier(est, store, req)
	}
	cross := m.Crossover(lambda.Pair(), server.Pair(), t, s, SearchLo, SearchHi)
	crossLine := m.crossLine(lambda.Pair(), server.Pair(), cross, t, s)
	switch {
	case cross == 0 || t.MonthlyRequests < cross:
		return lambda.Pair(), []string{
			fmt.Sprintf("Low traffic → %s: $%.2f/month at %s, against %s.", lambda.Pair().Title(), lambda.TotalUSD, req, costsOf(est, servers...)),
			crossLine,
		}
	case t.PeakToAverage >= SpikyPeakToAverage && lambda.TotalUSD <= 1.25*server.TotalUSD:
		return lambda.Pair(), []string{
			fmt.Sprintf("Spiky traffic (peak %.0f× the average) → %s: $%.2f/month at %s, within 25%% of %s's $%.2f, with no capacity to size for the peaks.",
				t.PeakToAverage, lambda.Pair().Title(), lambda.TotalUSD, req, server.Pair().Title(), server.TotalUSD),
			crossLine,
		}
	default:
		var others []Pair
		for _, p := range on(store) {
			if p != server.Pair() {
				others = append(others, p)
			}
		}
		why := fmt.Sprintf("Sustained high traffic → %s: $%.2f/month at %s, against %s.", server.Pair().Title(), server.TotalUSD, req, costsOf(est, others...))
		if server.Arch == deploy.EC2 {
			why += " EC2 leaves the instances' operating system to you to keep patched; Fargate does not."
		}
		return server.Pair(), []string{why, crossLine}
	}
}

// cheapestCarrier is the cheapest of pairs that carries the traffic (the
// first of equals); false when none does.
func cheapestCarrier(est map[Pair]Estimate, pairs ...Pair) (Estimate, bool) {
	var best Estimate
	found := false
	for _, p := range pairs {
		if e := est[p]; e.Carries() && (!found || e.TotalUSD < best.TotalUSD) {
			best, found = e, true
		}
	}
	return best, found
}

// onlyCarrier picks the cheapest pair on store that carries the traffic
// when Lambda or both servers cannot; an empty pair when none does.
func onlyCarrier(est map[Pair]Estimate, store, req string) (Pair, []string) {
	e, ok := cheapestCarrier(est, on(store)...)
	if !ok {
		return Pair{}, []string{fmt.Sprintf("No architecture on %s carries %s at this sizing: raise the maxima or the sizes.", deploy.StoreTitle(store), req)}
	}
	carriers := 0
	for _, p := range on(store) {
		if est[p].Carries() {
			carriers++
		}
	}
	which := "the cheapest"
	if carriers == 1 {
		which = "the only"
	}
	return e.Pair(), []string{fmt.Sprintf("%s is %s %s architecture that carries %s at this sizing: $%.2f/month.", e.Pair().Title(), which, deploy.StoreTitle(store), req, e.TotalUSD)}
}

// costsOf lists the monthly cost of those of pairs that carry the
// traffic: "$80.03 for Fargate + DynamoDB and $89.83 for EC2 + DynamoDB".
func costsOf(est map[Pair]Estimate, pairs ...Pair) string {
	var parts []string
	for _, p := range pairs {
		if e := est[p]; e.Carries() {
			parts = append(parts, fmt.Sprintf("$%.2f for %s", e.TotalUSD, p.Title()))
		}
	}
	return strings.Join(parts, " and ")
}

// leftOut is a reason, led by lead, for the pairs on store that cannot
// carry the traffic: one for each reason, naming every pair it stops (a
// database no class sustains stops all three).
func leftOut(est map[Pair]Estimate, store, req, lead string) []string {
	var why []string
	who := map[string][]string{}
	for _, p := range on(store) {
		if e := est[p]; !e.Carries() {
			w := strings.Join(e.CannotCarry, "; ")
			if who[w] == nil {
				why = append(why, w)
			}
			who[w] = append(who[w], p.Title())
		}
	}
	out := make([]string, len(why))
	for i, w := range why {
		names := who[w]
		list := names[len(names)-1]
		if len(names) > 1 {
			list = strings.Join(names[:len(names)-1], ", ") + " and " + list
		}
		out[i] = fmt.Sprintf("%s%s cannot carry %s at this sizing: %s.", lead, list, req, w)
	}
	return out
}

// crossLine says where Lambda, pair a, stops being cheaper than server b,
// and whether b at this sizing could carry the traffic there.
func (m *Model) crossLine(a, b Pair, cross float64, t Traffic, s Deployment) string {
	if cross == 0 {
		return fmt.Sprintf("%s stays cheaper than %s up to %s requests/month at this sizing.", a.Title(), b.Title(), Human(SearchHi))
	}
	line := fmt.Sprintf("%s stops being cheaper than %s at about %s requests/month at this sizing", a.Title(), b.Title(), Human(cross))
	t.MonthlyRequests = cross
	if e, _ := m.Estimate(b, t, s); !e.Carries() {
		line += fmt.Sprintf(", though %s cannot carry that traffic at this sizing", deploy.ComputeTitle(b.Compute))
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
