// Command bootstrap is the progress service as an AWS Lambda function on the
// provided.al2023 runtime, behind an API Gateway HTTP API (payload 2.0).
//
// It serves the same http.Handler as progress-server, adapted by
// aws-lambda-go-api-proxy. Set-up runs once per sandbox, at init; identity
// comes from the claims the HTTP API's JWT authorizer verified.
//
// Environment (set by the Lambda construct):
//
//	PROGRESS_STORE     the store URL: dynamodb://TABLE?region=R, or
//	                   postgres-iam://USER@PROXY:5432/DB?region=R through RDS Proxy
//	PROGRESS_AUTH      must be "apigw"
//	PROGRESS_AUDIENCE  comma-separated app client ids tokens may be issued to
//	AWS_REGION         set by Lambda; AWS_ENDPOINT_URL_DYNAMODB overrides the endpoint
//
// Build with -tags lambda.norpc (no net/rpc legacy path), static, stripped,
// and with the tags that leave out the stores a function does not use
// (nosqlite always; nopostgres or nodynamodb): the constructs' assets do.
package main
