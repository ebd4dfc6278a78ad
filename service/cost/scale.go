package cost

import (
	"math"
	"strconv"

	"github.com/progresskit/progresskit/service/deploy"
)

// Scale is where a pair's money goes as traffic grows: its cost
// per million requests at the estimate's traffic, and the traffic at
// which it needs its next size step, so a team sees the steps and not
// only the slope.
type Scale struct {
	USDPerMillionRequests float64 `json:"usdPerMillionRequests"`
	// NextStep names what is added next ("a 3rd Fargate task") and
	// NextStepAtRequests the monthly requests that need it; 0 where the
	// compute has no step (Lambda scales per request) or is at its
	// maximum (see the estimate's notes).
	NextStep           string  `json:"nextStep,omitempty"`
	NextStepAtRequests float64 `json:"nextStepAtRequestsPerMonth,omitempty"`
	// DatabaseNextStep is the RDS class to move to (the cheapest in the
	// region that sustains more than the current class and, once traffic
	// is past the current class, that sustains the traffic) and
	// DatabaseNextStepAtRequests the monthly requests at which the current
	// class reaches the scaling target; see
	// DatabaseStatementsPerSecondPerVCPU.
	DatabaseNextStep           string  `json:"databaseNextStep,omitempty"`
	DatabaseNextStepAtRequests float64 `json:"databaseNextStepAtRequestsPerMonth,omitempty"`
	// Database is a note on the class: past its capacity, or the largest.
	Database string `json:"database,omitempty"`
}

// ScaleOf reports e's Scale at traffic t and sizing s.
func (m *Model) ScaleOf(e Estimate, t Traffic, s Deployment) Scale {
	sc := Scale{}
	if t.MonthlyRequests > 0 {
		sc.USDPerMillionRequests = round6(e.TotalUSD / (t.MonthlyRequests / 1e6))
	}
	step := func(what string, vcpus float64, minN, maxN int) {
		capacity := RequestsPerSecondPerVCPU * vcpus * TargetUtilisation
		n := min(max(math.Ceil(m.avgRPS(t)/capacity), float64(max(minN, 1))), float64(max(maxN, minN, 1)))
		if n >= float64(max(maxN, minN, 1)) {
			return
		}
		sc.NextStep = "a " + ordinal(int(n)+1) + " " + what
		sc.NextStepAtRequests = math.Round(n * capacity * m.Hours * 3600)
	}
	switch e.Arch {
	case deploy.Fargate:
		step("Fargate task", float64(s.FargateCPU)/1024, s.FargateMinTasks, s.FargateMaxTasks)
	case deploy.EC2:
		step("EC2 instance", m.EC2Types[s.EC2InstanceType].VCPUs, s.EC2MinInstances, s.EC2MaxInstances)
	}
	if e.Store == deploy.Postgres {
		m.databaseScale(&sc, s.RDSInstanceClass, t)
	}
	return sc
}

func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return strconv.Itoa(n) + suffix
}
