// Package lambdaservice deploys the progress service as an arm64 Lambda
// function behind an API Gateway HTTP API whose JWT authorizer verifies
// tokens before the function runs.
package lambdaservice

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2authorizers"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscodedeploy"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53targets"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/customdomain"
	"github.com/progresskit/progresskit/constructs/internal/defaults"
	"github.com/progresskit/progresskit/constructs/internal/propcheck"

	"github.com/progresskit/progresskit/constructs/assets"
	"github.com/progresskit/progresskit/constructs/compliance"
	"github.com/progresskit/progresskit/constructs/identity"
	"github.com/progresskit/progresskit/constructs/observability"
	"github.com/progresskit/progresskit/constructs/store"
	"github.com/progresskit/progresskit/service/api/routes"
	"github.com/progresskit/progresskit/service/settings"
)

// Defaults a caller can override.
const (
	DefaultMemoryMB       = 256
	DefaultTimeoutSeconds = 10
	DefaultThrottleRate   = 100
	DefaultThrottleBurst  = 200
)

// AliasName is the alias API Gateway invokes; CodeDeploy moves it from
// one published version to the next.
const AliasName = "live"

// Props configure the variant. Store and Identity are required.
type Props struct {
	// Store holds the progress: table.New's DynamoDB table, or
	// database.New's PostgreSQL, which the function then reaches from the
	// database's VPC through an RDS Proxy with IAM authentication.
	Store store.Store
	// Identity issues the tokens the API accepts (identity.New).
	Identity *identity.Identity
	// Observability receives the alarms and shows them on its dashboard.
	// default: a new topic without subscribers, and a dashboard
	Observability *observability.Observability
	// Code is the bootstrap.
	// default: built at synthesis from the progresskit module (linux/arm64)
	Code awslambda.Code
	// MemoryMB of the function.
	// default: 256 MB
	MemoryMB int
	// TimeoutSeconds of one invocation (API Gateway gives up at 30).
	// default: 10
	TimeoutSeconds int
	// ThrottleRate is the steady requests per second the stage admits.
	// default: 100
	ThrottleRate int
	// ThrottleBurst is the burst the stage admits.
	// default: 200
	ThrottleBurst int
	// DeploymentConfig is how CodeDeploy shifts the live alias to a new
	// version; an alarm during the shift rolls it back.
	// default: canary, 10% for 5 minutes (LambdaDeploymentConfig_CANARY_10PERCENT_5MINUTES)
	DeploymentConfig awscodedeploy.ILambdaDeploymentConfig
	// LogRetention of the function's and the access logs.
	// default: one month
	LogRetention awslogs.RetentionDays
	// Alarms sets the alarm thresholds.
	// default: observability's defaults
	Alarms observability.Thresholds
	// Domain serves the API at a custom domain name (API Gateway custom
	// domain and API mapping, and the alias record with a HostedZone).
	// default: the API's execute-api URL
	Domain customdomain.Props
	// SkipPreTrafficProbe leaves out the hook that, before CodeDeploy
	// moves the live alias to a new version, invokes that version directly
	// with API Gateway's events and runs the smoke scenarios through it
	// (health, record, read, list, reset, isolation, invalid input); a
	// failure rolls the deployment back before the version takes traffic.
	// default: false (the probe runs before every shift)
	SkipPreTrafficProbe bool
	// Disposable lets log groups be destroyed with the stack (dev only).
	// default: false (retained)
	Disposable bool
}

// Description is the API's, and its function's: it tells the function
// from the probe hook's.
const Description = "progresskit progress API"

// LambdaService is the deployed variant.
type LambdaService struct {
	constructs.Construct
	Function awslambda.Function
	// Alias is what the API invokes: the version CodeDeploy last shifted to.
	Alias awslambda.Alias
	// Deployment shifts Alias to each new version.
	Deployment awscodedeploy.LambdaDeploymentGroup
	// ProbeHook is the pre-traffic probe CodeDeploy runs before each
	// shift; nil with SkipPreTrafficProbe.
	ProbeHook awslambda.Function
	Api       awsapigatewayv2.HttpApi
	// Alarms page; RolloutAlarms roll a deployment back. All are on the
	// dashboard.
	Alarms        []awscloudwatch.Alarm
	RolloutAlarms []awscloudwatch.Alarm
	// URL is the API's base URL: the custom domain's, else execute-api's.
	URL *string
}

// New deploys the variant.
func New(scope constructs.Construct, id string, props *Props) *LambdaService {
	if props == nil {
		props = &Props{}
	}
	check := propcheck.For("lambdaservice", id)
	check.Required(propcheck.P("Store", props.Store != nil), propcheck.P("Identity", props.Identity != nil))
	if len(props.Identity.Audiences) == 0 {
		check.Refuse("Identity has no Audiences: the API would accept no token")
	}
	props.Domain.Check(check)
	c := constructs.NewConstruct(scope, &id)
	s := &LambdaService{Construct: c}
	code := props.Code
	if code == nil {
		code = assets.LambdaCode(props.Store.Kind())
	}
	th := props.Alarms.WithDefaults()
	retention := defaults.Retention(props.LogRetention)
	removal := defaults.Removal(props.Disposable)
	obs := observability.OrNew(c, props.Observability)

	fnLogs := awslogs.NewLogGroup(c, jsii.String("FunctionLogs"), &awslogs.LogGroupProps{Retention: retention, RemovalPolicy: removal})
	fnProps := &awslambda.FunctionProps{
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: awslambda.Architecture_ARM_64(),
		Handler:      jsii.String("bootstrap"),
		Code:         code,
		MemorySize:   jsii.Number(float64(defaults.Int(props.MemoryMB, DefaultMemoryMB))),
		Timeout:      awscdk.Duration_Seconds(jsii.Number(float64(defaults.Int(props.TimeoutSeconds, DefaultTimeoutSeconds)))),
		LogGroup:     fnLogs,
		Tracing:      awslambda.Tracing_ACTIVE,
		Description:  jsii.String(Description),
		Environment: &map[string]*string{
			settings.Auth.Env:     jsii.String(settings.AuthAPIGW),
			settings.Audience.Env: awscdk.Fn_Join(jsii.String(","), &props.Identity.Audiences),
		},
	}
	var sg awsec2.ISecurityGroup
	if vpc := props.Store.Vpc(); vpc != nil {
		// A store in a VPC (PostgreSQL) is reached from inside it, from the
		// isolated subnets the database itself runs in: no NAT gateway.
		sg = awsec2.NewSecurityGroup(c, jsii.String("FunctionSg"), &awsec2.SecurityGroupProps{
			Vpc: vpc, Description: jsii.String("progress function: out to the database proxy only"), AllowAllOutbound: jsii.Bool(true),
		})
		fnProps.Vpc, fnProps.SecurityGroups = vpc, &[]awsec2.ISecurityGroup{sg}
		fnProps.VpcSubnets = &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED}
	}
	s.Function = awslambda.NewFunction(c, jsii.String("Function"), fnProps)
	compliance.LambdaFunction(s.Function)
	s.Function.AddEnvironment(jsii.String(settings.Store.Env),
		props.Store.Connect(c, store.Compute{Role: s.Function, SecurityGroup: sg, Pooled: true}), nil)

	accessLogs := awslogs.NewLogGroup(c, jsii.String("AccessLogs"), &awslogs.LogGroupProps{Retention: retention, RemovalPolicy: removal})
	apiProps := &awsapigatewayv2.HttpApiProps{
		Description:        jsii.String(Description),
		CreateDefaultStage: jsii.Bool(true),
	}
	var domain awsapigatewayv2.DomainName
	if props.Domain.DomainName != "" {
		domain = awsapigatewayv2.NewDomainName(c, jsii.String("DomainName"), &awsapigatewayv2.DomainNameProps{
			DomainName:     jsii.String(props.Domain.DomainName),
			Certificate:    props.Domain.Certificate,
			SecurityPolicy: awsapigatewayv2.SecurityPolicy_TLS_1_2,
		})
		apiProps.DefaultDomainMapping = &awsapigatewayv2.DomainMappingOptions{DomainName: domain}
	}
	s.Api = awsapigatewayv2.NewHttpApi(c, jsii.String("Api"), apiProps)
	if domain != nil {
		props.Domain.Alias(c, awsroute53.RecordTarget_FromAlias(awsroute53targets.NewApiGatewayv2DomainProperties(domain.RegionalDomainName(), domain.RegionalHostedZoneId())))
	}
	stage := s.Api.DefaultStage().Node().DefaultChild().(awsapigatewayv2.CfnStage)
	stage.SetAccessLogSettings(&awsapigatewayv2.CfnStage_AccessLogSettingsProperty{
		DestinationArn: accessLogs.LogGroupArn(),
		Format:         jsii.String(accessLogFormat),
	})
	stage.SetDefaultRouteSettings(&awsapigatewayv2.CfnStage_RouteSettingsProperty{
		ThrottlingRateLimit:  jsii.Number(float64(defaults.Int(props.ThrottleRate, DefaultThrottleRate))),
		ThrottlingBurstLimit: jsii.Number(float64(defaults.Int(props.ThrottleBurst, DefaultThrottleBurst))),
	})

	// Every deploy that changes the code or configuration publishes a
	// version; the API only ever reaches it through the alias.
	s.Alias = awslambda.NewAlias(c, jsii.String("Live"), &awslambda.AliasProps{
		AliasName: jsii.String(AliasName), Version: s.Function.CurrentVersion(),
	})
	integration := awsapigatewayv2integrations.NewHttpLambdaIntegration(jsii.String("Integration"), s.Alias, &awsapigatewayv2integrations.HttpLambdaIntegrationProps{
		PayloadFormatVersion: awsapigatewayv2.PayloadFormatVersion_VERSION_2_0(),
	})
	authorizer := awsapigatewayv2authorizers.NewHttpJwtAuthorizer(jsii.String("JwtAuthorizer"), props.Identity.Issuer,
		&awsapigatewayv2authorizers.HttpJwtAuthorizerProps{JwtAudience: &props.Identity.Audiences})
	for _, r := range routes.All {
		opts := &awsapigatewayv2.AddRoutesOptions{
			Path: jsii.String(r.Pattern), Methods: &[]awsapigatewayv2.HttpMethod{awsapigatewayv2.HttpMethod(r.Method)}, Integration: integration,
		}
		if !r.Public {
			opts.Authorizer = authorizer
		}
		for _, route := range *s.Api.AddRoutes(opts) {
			if r.Public {
				compliance.PublicRoutes(route)
			}
		}
	}

	five := observability.PagePeriod()
	sum := &awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Sum")}
	s.Alarms = append(s.Alarms,
		obs.Alarm(c, "Api5xxRate", fmt.Sprintf("%g%% or more of API requests failed with 5xx", th.ErrorRatePercent),
			observability.ErrorRate(s.Api.MetricServerError(sum), s.Api.MetricCount(sum), "5xx %", five), th.ErrorRatePercent),
		obs.Alarm(c, "ApiP99Latency", fmt.Sprintf("API p99 latency is %g ms or more", th.P99LatencyMs),
			s.Api.MetricLatency(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("p99")}), th.P99LatencyMs),
		obs.Alarm(c, "FunctionErrors", fmt.Sprintf("The function returned errors or crashed %g or more times", th.FunctionErrors),
			s.Function.MetricErrors(sum), th.FunctionErrors),
		obs.Alarm(c, "FunctionThrottles", "Invocations were throttled (concurrency limit reached)",
			s.Function.MetricThrottles(sum), th.Throttles),
	)
	if m, ok := props.Store.(store.Monitored); ok {
		s.Alarms = append(s.Alarms, m.Alarms(c, obs, th)...)
	}
	s.rollout(c, obs, th, props.DeploymentConfig, props.SkipPreTrafficProbe, props.Identity.Audiences[0], retention, removal)
	s.URL = props.Domain.URL(s.Api.ApiEndpoint())
	awscdk.NewCfnOutput(c, jsii.String("ApiUrl"), &awscdk.CfnOutputProps{Value: s.URL, Description: jsii.String("progress API base URL")})
	return s
}

// accessLogFormat is one JSON object per request.
var accessLogFormat = "{" + strings.Join([]string{
	`"requestId":"$context.requestId"`, `"ip":"$context.identity.sourceIp"`, `"time":"$context.requestTime"`,
	`"method":"$context.httpMethod"`, `"route":"$context.routeKey"`, `"status":"$context.status"`,
	`"latencyMs":"$context.responseLatency"`, `"integrationLatencyMs":"$context.integrationLatency"`,
	`"authorizerError":"$context.authorizer.error"`, `"bytes":"$context.responseLength"`,
}, ",") + "}"
