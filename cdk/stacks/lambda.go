package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscodedeploy"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
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

// Retention maps the validated days of cdk.json to the CDK's enum.
func Retention(days int) awslogs.RetentionDays {
	return retentionByDays[days]
}

var retentionByDays = map[int]awslogs.RetentionDays{
	1: awslogs.RetentionDays_ONE_DAY, 3: awslogs.RetentionDays_THREE_DAYS, 5: awslogs.RetentionDays_FIVE_DAYS,
	7: awslogs.RetentionDays_ONE_WEEK, 14: awslogs.RetentionDays_TWO_WEEKS, 30: awslogs.RetentionDays_ONE_MONTH,
	60: awslogs.RetentionDays_TWO_MONTHS, 90: awslogs.RetentionDays_THREE_MONTHS, 120: awslogs.RetentionDays_FOUR_MONTHS,
	150: awslogs.RetentionDays_FIVE_MONTHS, 180: awslogs.RetentionDays_SIX_MONTHS, 365: awslogs.RetentionDays_ONE_YEAR,
	400: awslogs.RetentionDays_THIRTEEN_MONTHS, 545: awslogs.RetentionDays_EIGHTEEN_MONTHS, 731: awslogs.RetentionDays_TWO_YEARS,
	1096: awslogs.RetentionDays_THREE_YEARS, 1827: awslogs.RetentionDays_FIVE_YEARS, 2192: awslogs.RetentionDays_SIX_YEARS,
	2557: awslogs.RetentionDays_SEVEN_YEARS, 2922: awslogs.RetentionDays_EIGHT_YEARS, 3288: awslogs.RetentionDays_NINE_YEARS,
	3653: awslogs.RetentionDays_TEN_YEARS,
}
