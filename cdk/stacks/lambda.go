package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscodedeploy"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/constructs-go/constructs/v10"

	"github.com/progresskit/progresskit/cdk/config"
	"github.com/progresskit/progresskit/constructs/identity"
	"github.com/progresskit/progresskit/constructs/lambdaservice"
	"github.com/progresskit/progresskit/constructs/observability"
)

// LambdaStackProps configure the Lambda variant's stack.
type LambdaStackProps struct {
	awscdk.StackProps
	Settings config.Settings
	Table    awsdynamodb.ITable
	Identity *identity.Identity
}

// LambdaStack is HTTP API + Lambda on the shared table.
type LambdaStack struct {
	awscdk.Stack
	Service *lambdaservice.LambdaService
}

// NewLambdaStack creates the Lambda variant.
func NewLambdaStack(scope constructs.Construct, id string, props *LambdaStackProps) *LambdaStack {
	stack := awscdk.NewStack(scope, &id, &props.StackProps)
	s := props.Settings
	obs := observability.New(stack, "Observability", &observability.Props{AlarmEmail: s.AlarmEmail, DashboardName: id})
	svc := lambdaservice.New(stack, "Service", &lambdaservice.Props{
		Table:            props.Table,
		Identity:         props.Identity,
		Observability:    obs,
		MemoryMB:         s.Sizing.LambdaMemoryMB,
		TimeoutSeconds:   s.Sizing.LambdaTimeoutSecs,
		ThrottleRate:     s.Sizing.ThrottleRatePerSec,
		ThrottleBurst:    s.Sizing.ThrottleBurst,
		LogRetention:     Retention(s.LogRetentionDays),
		Domain:           domain(stack, s),
		DeploymentConfig: LambdaDeploymentConfig(s.LambdaDeployment),
		Disposable:       !s.Production,
	})
	return &LambdaStack{Stack: stack, Service: svc}
}

// LambdaDeploymentConfig maps a validated lambdaDeployment to CodeDeploy's
// configuration.
func LambdaDeploymentConfig(name string) awscodedeploy.ILambdaDeploymentConfig {
	return map[string]func() awscodedeploy.ILambdaDeploymentConfig{
		"ALL_AT_ONCE":                      awscodedeploy.LambdaDeploymentConfig_ALL_AT_ONCE,
		"CANARY_10PERCENT_5MINUTES":        awscodedeploy.LambdaDeploymentConfig_CANARY_10PERCENT_5MINUTES,
		"CANARY_10PERCENT_10MINUTES":       awscodedeploy.LambdaDeploymentConfig_CANARY_10PERCENT_10MINUTES,
		"CANARY_10PERCENT_15MINUTES":       awscodedeploy.LambdaDeploymentConfig_CANARY_10PERCENT_15MINUTES,
		"CANARY_10PERCENT_30MINUTES":       awscodedeploy.LambdaDeploymentConfig_CANARY_10PERCENT_30MINUTES,
		"LINEAR_10PERCENT_EVERY_1MINUTE":   awscodedeploy.LambdaDeploymentConfig_LINEAR_10PERCENT_EVERY_1MINUTE,
		"LINEAR_10PERCENT_EVERY_2MINUTES":  awscodedeploy.LambdaDeploymentConfig_LINEAR_10PERCENT_EVERY_2MINUTES,
		"LINEAR_10PERCENT_EVERY_3MINUTES":  awscodedeploy.LambdaDeploymentConfig_LINEAR_10PERCENT_EVERY_3MINUTES,
		"LINEAR_10PERCENT_EVERY_10MINUTES": awscodedeploy.LambdaDeploymentConfig_LINEAR_10PERCENT_EVERY_10MINUTES,
	}[name]()
}
