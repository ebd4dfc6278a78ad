// Package probehook makes the pre-traffic probe hook's function
// (service/cmd/probehook) for the constructs whose deployments run it:
// fargateservice's blue/green and lambdaservice's CodeDeploy shift.
package probehook

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/assets"
	"github.com/progresskit/progresskit/constructs/compliance"
)

const (
	// timeoutMinutes: the scenarios take seconds; the rest is the Fargate
	// hook's wait for its ingress rule and the clean-up it keeps time for.
	timeoutMinutes = 3
	memoryMB       = 256
)

// New is the hook function "ProbeHook" in scope, with its log group
// "ProbeHookLogs", outside any VPC, with env (hookenv's names).
func New(scope constructs.Construct, description string, env map[string]*string, retention awslogs.RetentionDays, removal awscdk.RemovalPolicy) awslambda.Function {
	fn := awslambda.NewFunction(scope, jsii.String("ProbeHook"), &awslambda.FunctionProps{
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: awslambda.Architecture_ARM_64(),
		Handler:      jsii.String("bootstrap"),
		Code:         assets.ProbeHookCode(),
		MemorySize:   jsii.Number(memoryMB),
		Timeout:      awscdk.Duration_Minutes(jsii.Number(timeoutMinutes)),
		LogGroup:     awslogs.NewLogGroup(scope, jsii.String("ProbeHookLogs"), &awslogs.LogGroupProps{Retention: retention, RemovalPolicy: removal}),
		Description:  jsii.String(description),
		Environment:  &env,
	})
	compliance.LambdaFunction(fn)
	return fn
}
