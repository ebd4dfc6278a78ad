package settings

import "strings"

// EnvPrefix starts the environment twin of every flag.
const EnvPrefix = "PROGRESS_"

// EnvName is the environment twin of a flag: --dev-key-file reads
// PROGRESS_DEV_KEY_FILE.
func EnvName(flag string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// Setting is one runtime setting. Flag is empty for settings only the
// Lambda bootstrap reads, which has no command line.
type Setting struct {
	Flag string
	Env  string
}

func flagged(flag string) Setting { return Setting{Flag: flag, Env: EnvName(flag)} }

// The server's settings (progress-server, and 'progress serve' locally).
var (
	Addr         = flagged("addr")
	Store        = flagged("store")
	Auth         = flagged("auth")
	DevKeyFile   = flagged("dev-key-file")
	JWKSURL      = flagged("jwks-url")
	Issuer       = flagged("issuer")
	Audience     = flagged("audience")
	DrainTimeout = flagged("drain-timeout")
	PGMaxConns   = flagged("pg-max-conns")
	LogLevel     = flagged("log-level")
	// Token buckets in requests per second: the whole server's, and each
	// learner's (a zero rate is no limit).
	RateLimit     = flagged("rate-limit")
	RateBurst     = flagged("rate-burst")
	UserRateLimit = flagged("user-rate-limit")
	UserRateBurst = flagged("user-rate-burst")
	// Demo serves the course-player demo page; dev auth only.
	Demo = flagged("demo")
)

// FaultHeaderEnv names a header that makes a request panic, for the
// end-to-end test of panic recovery. Only a bootstrap built with -tags
// faultinject (the tests') reads it; a constant, so no deployed binary
// carries the name.
const FaultHeaderEnv = EnvPrefix + "FAULT_HEADER"

// Auth modes (the value of Auth).
const (
	AuthJWKS  = "jwks"  // verify tokens against an issuer's JWKS
	AuthDev   = "dev"   // local HS256 key, loopback only
	AuthAPIGW = "apigw" // API Gateway's JWT authorizer verified the token
)

// AdminGroup is the Cognito group whose members may read and write any
// learner's progress.
const AdminGroup = "progress-admin"

// Port is where the server listens in a container or on an instance.
const Port = 8080

// Health endpoints: liveness, and readiness (the store is reachable), which
// load balancers and deploy checks probe.
const (
	HealthPath = "/healthz"
	ReadyPath  = "/readyz"
)

// The Lambda bootstrap's own metric, in CloudWatch's embedded metric
// format: one datapoint per answer of 500 or more, per function version.
// Lambda's Errors metric counts only invocations that failed; a 5xx the
// handler answered (a recovered panic, a store error) is a success to
// Lambda, so the Lambda construct's rollout alarm adds this one to it.
const (
	MetricNamespace         = "progresskit"
	MetricServerErrors      = "ServerErrors"
	MetricDimensionFunction = "FunctionName"
	MetricDimensionVersion  = "Version"
)
