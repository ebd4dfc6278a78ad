package lambdaservice

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscodedeploy"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/interfaces/interfacesawscloudwatch"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/compliance"
	"github.com/progresskit/progresskit/constructs/internal/probehook"
	"github.com/progresskit/progresskit/constructs/observability"
	"github.com/progresskit/progresskit/service/cmd/probehook/hookenv"
	"github.com/progresskit/progresskit/service/settings"
)

// rollout adds the CodeDeploy deployment group that shifts the live alias
// to each new version and rolls it back when, in any minute of the shift,
// the new version's invocations fail or answer 5xx, or the API answers
// 5xx, at or over th.RolloutErrorRatePercent.
//
// Unless skipProbe, CodeDeploy first runs the pre-traffic probe hook: it
// invokes the new version directly, as API Gateway would, runs the smoke
// scenarios through it, and fails the deployment (which rolls it back)
// before the alias moves if any fails.
func (s *LambdaService) rollout(c constructs.Construct, obs *observability.Observability, th observability.Thresholds, config awscodedeploy.ILambdaDeploymentConfig,
	skipProbe bool, audience *string, retention awslogs.RetentionDays, removal awscdk.RemovalPolicy) {
	if config == nil {
		config = awscodedeploy.LambdaDeploymentConfig_CANARY_10PERCENT_5MINUTES()
	}
	minute := observability.RolloutPeriod()
	sum := &awscloudwatch.MetricOptions{Period: minute, Statistic: jsii.String("Sum")}
	version := s.Function.CurrentVersion()
	s.RolloutAlarms = []awscloudwatch.Alarm{
		obs.RolloutAlarm(c, "RolloutFunctionErrors", fmt.Sprintf("Rollout: %g%% or more of the new version's invocations failed or answered 5xx in a minute", th.RolloutErrorRatePercent),
			versionErrorRate(s.Function, version, minute), th.RolloutErrorRatePercent),
		obs.RolloutAlarm(c, "RolloutApi5xxRate", fmt.Sprintf("Rollout: %g%% or more of API requests failed with 5xx in a minute", th.RolloutErrorRatePercent),
			observability.ErrorRate(s.Api.MetricServerError(sum), s.Api.MetricCount(sum), "5xx %", minute), th.RolloutErrorRatePercent),
	}
	alarms := make([]interfacesawscloudwatch.IAlarmRef, len(s.RolloutAlarms))
	for i, a := range s.RolloutAlarms {
		alarms[i] = a
	}
	var hook awslambda.IFunction
	if !skipProbe {
		s.ProbeHook = probehook.New(c, "progresskit pre-traffic probe: the smoke scenarios against a new version before the live alias moves to it",
			map[string]*string{hookenv.FunctionVersion: version.FunctionArn(), hookenv.Audience: audience}, retention, removal)
		version.GrantInvoke(s.ProbeHook)
		hook = s.ProbeHook
	}
	s.Deployment = awscodedeploy.NewLambdaDeploymentGroup(c, jsii.String("Deployment"), &awscodedeploy.LambdaDeploymentGroupProps{
		Alias:            s.Alias,
		PreHook:          hook,
		DeploymentConfig: config,
		Alarms:           &alarms,
		AutoRollback: &awscodedeploy.AutoRollbackConfig{
			FailedDeployment: jsii.Bool(true), StoppedDeployment: jsii.Bool(true), DeploymentInAlarm: jsii.Bool(true),
		},
	})
	compliance.CodeDeployRole(s.Deployment.Role())
}

// versionErrorRate is the share of one version's invocations that failed
// (Lambda's Errors) or answered 5xx (the bootstrap's ServerErrors): a
// canary's own failures, which the API-wide 5xx rate dilutes ninefold at
// 10%. ServerErrors has datapoints only where there were such answers.
func versionErrorRate(fn awslambda.Function, version awslambda.IVersion, period awscdk.Duration) awscloudwatch.IMetric {
	sum := &awscloudwatch.MetricOptions{Period: period, Statistic: jsii.String("Sum")}
	answered5xx := awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
		Namespace:  jsii.String(settings.MetricNamespace),
		MetricName: jsii.String(settings.MetricServerErrors),
		DimensionsMap: &map[string]*string{
			settings.MetricDimensionFunction: fn.FunctionName(),
			settings.MetricDimensionVersion:  version.Version(),
		},
		Period: period, Statistic: jsii.String("Sum"),
	})
	return awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
		Expression: jsii.String("IF(invocations > 0, 100 * (failed + FILL(answered5xx, 0)) / invocations, 0)"),
		UsingMetrics: &map[string]awscloudwatch.IMetric{
			"failed": version.MetricErrors(sum), "answered5xx": answered5xx, "invocations": version.MetricInvocations(sum),
		},
		Label: jsii.String("errors and 5xx %"), Period: period,
	})
}
