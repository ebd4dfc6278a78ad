// Command probehook is the pre-traffic check of the Fargate variant's
// blue/green deployments: an ECS deployment lifecycle hook, a Lambda
// function on the provided.al2023 runtime, that runs the smoke scenarios
// of service/probe (health, record, read, list, reset, isolation, invalid
// input) against the load balancer's test listener once ECS has routed it
// to the new tasks (POST_TEST_TRAFFIC_SHIFT), and answers ECS
// {"hookStatus":"SUCCEEDED"}, or "FAILED" when any scenario fails, which
// rolls the deployment back before production traffic moves.
//
// The scenarios need a learner's token and an admin's, which the API only
// accepts from the env's Cognito user pool. Nothing is stored for them:
// on every run the hook enables two dedicated probe users
// (hookenv.LearnerUsername, hookenv.AdminUsername; created on the first
// run), sets each a fresh random password that it never logs or keeps,
// signs them in through the pool's probe app client (admin sign-in only:
// tokens of that client need IAM permission on the pool, which only this
// function has), and when the probe ends signs them out everywhere and
// disables them again. It deletes no user and touches no other.
//
// The test listener admits nobody: its security group has no rule for the
// test port. A function outside a VPC has no fixed address and one inside
// this VPC (no NAT gateway) could reach neither the internet-facing load
// balancer nor Cognito, so the hook asks checkip.amazonaws.com for its own
// public address, admits that address alone (/32) on the test port for
// the length of the probe, and revokes the rule when it ends.
//
// The same function is the Lambda variant's CodeDeploy BeforeAllowTraffic
// hook when hookenv.FunctionVersion is set (canary.go): it invokes that
// function version directly with API Gateway's events (service/apigwevent),
// carrying the claims API Gateway's JWT authorizer would pass for two fresh
// probe users of one of the API's app clients, runs the same scenarios
// through it, and reports Succeeded or Failed with CodeDeploy's
// PutLifecycleEventHookExecutionStatus before the live alias moves. It needs
// no user pool and no network rule: its right to invoke the version is its
// role's.
//
// Environment: see package hookenv. AWS_REGION and credentials come from
// Lambda; AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER, AWS_ENDPOINT_URL_EC2,
// AWS_ENDPOINT_URL_LAMBDA and AWS_ENDPOINT_URL_CODEDEPLOY point the calls
// elsewhere (the tests' stand-ins).
//
// Build with -tags lambda.norpc, static and stripped: constructs/assets
// does (assets.ProbeHook).
package main
