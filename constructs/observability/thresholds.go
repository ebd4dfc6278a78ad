package observability

// Default alarm thresholds, each overridable through Thresholds.
const (
	DefaultErrorRatePercent        = 1.0  // % of requests answered 5xx over 5 minutes
	DefaultRolloutErrorRatePercent = 5.0  // % answered 5xx in a minute of a rollout: rolls it back
	DefaultP99LatencyMs            = 1000 // p99 response time over 5 minutes
	DefaultFunctionErrors          = 5    // Lambda errors in 5 minutes
	DefaultThrottles               = 1    // Lambda throttles in 5 minutes
	DefaultUnhealthyTargets        = 1    // targets failing the health check
	DefaultComputeCPUPercent       = 85   // Fargate service CPU, average over 5 minutes
	DefaultDatabaseCPUPercent      = 80   // RDS CPU, average over 5 minutes
	DefaultDatabaseConnections     = 60   // db.t4g.micro allows about 80
	DefaultDatabaseFreeStorageGiB  = 2    // alarm below this
)

// Thresholds of the alarms the variants create. A zero field takes its
// default; each variant uses the fields that apply to it.
type Thresholds struct {
	// ErrorRatePercent of requests answered 5xx. default: 1
	ErrorRatePercent float64
	// RolloutErrorRatePercent of requests answered 5xx (or of new Lambda
	// invocations failing) in any minute of a rollout rolls it back.
	// default: 5
	RolloutErrorRatePercent float64
	// P99LatencyMs of responses; during an ECS rollout, one minute over it
	// rolls the rollout back. default: 1000
	P99LatencyMs float64
	// FunctionErrors in 5 minutes (Lambda). default: 5
	FunctionErrors float64
	// Throttles in 5 minutes (Lambda). default: 1
	Throttles float64
	// UnhealthyTargets behind the load balancer. default: 1
	UnhealthyTargets float64
	// ComputeCPUPercent of the Fargate service. default: 85
	ComputeCPUPercent float64
	// DatabaseCPUPercent (EC2 + RDS). default: 80
	DatabaseCPUPercent float64
	// DatabaseConnections (EC2 + RDS). default: 60
	DatabaseConnections float64
	// DatabaseFreeStorageGiB below which the alarm fires. default: 2
	DatabaseFreeStorageGiB float64
}

// WithDefaults fills every zero field with its default.
func (t Thresholds) WithDefaults() Thresholds {
	or := func(v *float64, def float64) {
		if *v == 0 {
			*v = def
		}
	}
	or(&t.ErrorRatePercent, DefaultErrorRatePercent)
	or(&t.RolloutErrorRatePercent, DefaultRolloutErrorRatePercent)
	or(&t.P99LatencyMs, DefaultP99LatencyMs)
	or(&t.FunctionErrors, DefaultFunctionErrors)
	or(&t.Throttles, DefaultThrottles)
	or(&t.UnhealthyTargets, DefaultUnhealthyTargets)
	or(&t.ComputeCPUPercent, DefaultComputeCPUPercent)
	or(&t.DatabaseCPUPercent, DefaultDatabaseCPUPercent)
	or(&t.DatabaseConnections, DefaultDatabaseConnections)
	or(&t.DatabaseFreeStorageGiB, DefaultDatabaseFreeStorageGiB)
	return t
}
