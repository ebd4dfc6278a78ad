package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscodedeploy"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/cdk/config"
	"github.com/progresskit/progresskit/constructs/identity"
	"github.com/progresskit/progresskit/constructs/lambdaservice"
	"github.com/progresskit/progresskit/constructs/observability"
	"github.com/progresskit/progresskit/constructs/store"
)

// LambdaStackProps configure the Lambda variant's stack.
type LambdaStackProps struct {
	awscdk.StackProps
	Settings config.Settings
	// Store is the env's table or database (the Data or Rds stack's).
	Store    store.Store
	Identity *identity.Identity
}

// LambdaStack is HTTP API + Lambda on the env's store.
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
		Store:            props.Store,
		Identity:         props.Identity,
		Observability:    obs,
		MemoryMB:         s.Sizing.LambdaMemoryMB,
		TimeoutSeconds:   s.Sizing.LambdaTimeoutSecs,
		ThrottleRate:     s.Sizing.ThrottleRatePerSec,
		ThrottleBurst:    s.Sizing.ThrottleBurst,
		LogRetention:     Retention(s.LogRetentionDays),
		Domain:           domain(stack, s),
		DeploymentConfig: LambdaDeploymentConfig(stack, s.LambdaDeployment),
		Disposable:       !s.Production,
	})
	return &LambdaStack{Stack: stack, Service: svc}
}

// LambdaDeploymentConfig is CodeDeploy's predefined configuration that a
// validated lambdaDeployment names, imported by its name into scope.
func LambdaDeploymentConfig(scope constructs.Construct, lambdaDeployment string) awscodedeploy.ILambdaDeploymentConfig {
	return awscodedeploy.LambdaDeploymentConfig_FromLambdaDeploymentConfigName(scope, jsii.String("LambdaDeploymentConfig"),
		jsii.String(config.CodeDeployConfigName(lambdaDeployment)))
}
