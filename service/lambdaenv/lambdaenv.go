// Package lambdaenv names the environment variables through which the
// Lambda construct configures the bootstrap, so the two cannot drift apart.
package lambdaenv

// Environment variables of the Lambda runtime.
const (
	Table    = "PROGRESS_TABLE"    // DynamoDB table name
	Auth     = "PROGRESS_AUTH"     // must be "apigw"
	Audience = "PROGRESS_AUDIENCE" // comma-separated app client ids
	// FaultHeader names a header that makes a request panic, for the
	// end-to-end test of panic recovery; unset in every deployment.
	FaultHeader = "PROGRESS_FAULT_HEADER"
)
