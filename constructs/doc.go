// Package constructs is the root of progresskit's reusable CDK constructs,
// which deploy the progress service with safe defaults. A platform team
// imports them into its own CDK app (see test/consumer for a complete one):
//
//	table           the progress DynamoDB table (schema from service/store/dynamoschema)
//	identity        a Cognito user pool and app clients, or an existing issuer
//	lambdaservice   HTTP API + JWT authorizer + arm64 Lambda on the table
//	fargateservice  ALB + arm64 Fargate service on the table
//	ec2service      ALB + arm64 Auto Scaling group on PostgreSQL, under systemd
//	database        the EC2 variant's PostgreSQL (RDS)
//	network         the VPC of the load-balanced variants
//	loadbalancer    the internet-facing ALB both load-balanced variants share
//	customdomain    a variant's own domain name, certificate and alias record
//	observability   the alarm topic, the dashboard and the alarm thresholds
//	compliance      cdk-nag's AwsSolutions checks and every suppression, with its reason
//	assets          builds what the variants deploy, at synthesis, with the app's Go toolchain
//	examples/...    a platform team's stack in its own VPC and user pool
//
// What only the constructs use is under internal/, out of a platform
// team's reach: propcheck (how every construct refuses missing and
// conflicting props), defaults (how every construct fills in what a caller
// left out) and cdktest (the constructs' test helpers). A refusal is the
// one part an app meets: a panic with a *PropsError, which it may recover.
//
// Each construct takes an existing resource where one fits (a table, a
// user pool, a VPC, a topic) or creates one. The zero value of every Props
// is production-safe (retained, deletion-protected, encrypted); Disposable
// is the one opt-out for development stacks. Every field documents its
// default, and props that contradict each other panic at synthesis naming
// both.
package constructs
