package cost

import (
	"fmt"
	"strings"
)

// Pricing is how a team pays for what runs all month.
type Pricing string

const (
	// OnDemand pays list prices.
	OnDemand Pricing = "on-demand"
	// Reserved buys 1-year, no-upfront reserved instances for the RDS
	// database and the EC2 instances.
	Reserved Pricing = "reserved"
	// SavingsPlan commits to a 1-year, no-upfront Compute Savings Plan,
	// which discounts Fargate and Lambda duration.
	SavingsPlan Pricing = "savings-plan"
)

// Pricings lists the valid values.
var Pricings = []Pricing{OnDemand, Reserved, SavingsPlan}

// ParsePricing checks a --pricing value.
func ParsePricing(s string) (Pricing, error) {
	for _, p := range Pricings {
		if string(p) == s {
			return p, nil
		}
	}
	names := make([]string, len(Pricings))
	for i, p := range Pricings {
		names[i] = string(p)
	}
	return "", fmt.Errorf("pricing %q: want one of %s", s, strings.Join(names, ", "))
}

// discount adds, on its own line, the discount of pricing on the item
// named of, when pricing is the one that applies.
func (m *Model) discount(e *Estimate, applies Pricing, of string, frac Price) {
	if m.Pricing != applies {
		return
	}
	for _, it := range e.Items {
		if it.Name == of {
			e.add(CatDiscount, of+": "+string(applies), -it.USD*frac.USD, "−%.0f%% of $%.2f (1 year, no upfront)", frac.USD*100, it.USD)
			return
		}
	}
}
