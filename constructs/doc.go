// Package constructs is the root of progresskit's reusable CDK constructs,
// which deploy the progress service with safe defaults:
//
//	table          the progress DynamoDB table (schema from service/store/dynamoschema)
//	identity       a Cognito user pool and app clients, or an existing issuer
//	lambdaservice  HTTP API + JWT authorizer + arm64 Lambda on the DynamoDB table
//	observability  the alarm topic and alarms every variant shares
//	compliance     every cdk-nag suppression, each with its reason
//	assets         where 'make cdk-assets' puts the service binaries
//
// Each construct takes an existing resource where one fits (a table, a
// user pool, a topic) or creates one with secure defaults a caller can
// override, in the manner of AWS Solutions Constructs.
package constructs
