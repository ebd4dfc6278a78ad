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
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/defaults"

	"github.com/progresskit/progresskit/constructs/assets"
	"github.com/progresskit/progresskit/constructs/compliance"
	"github.com/progresskit/progresskit/constructs/identity"
	"github.com/progresskit/progresskit/constructs/observability"
	"github.com/progresskit/progresskit/constructs/table"
	"github.com/progresskit/progresskit/service/auth"
	"github.com/progresskit/progresskit/service/lambdaenv"
)

// Defaults a caller can override.
const (
	DefaultMemoryMB       = 256
	DefaultTimeoutSeconds = 10
	DefaultThrottleRate   = 100
	DefaultThrottleBurst  = 200
)

// Route is one API route and whether it needs a token.
type Route struct {
	Method awsapigatewayv2.HttpMethod
	Path   string
	Public bool
}

// Routes mirror service/api/openapi.yaml; a test keeps them equal.
var Routes = []Route{
	{awsapigatewayv2.HttpMethod_GET, "/healthz", true},
	{awsapigatewayv2.HttpMethod_GET, "/readyz", true},
	{awsapigatewayv2.HttpMethod_GET, "/v1/users/{userId}/courses", false},
	{awsapigatewayv2.HttpMethod_GET, "/v1/users/{userId}/courses/{courseId}", false},
	{awsapigatewayv2.HttpMethod_DELETE, "/v1/users/{userId}/courses/{courseId}", false},
	{awsapigatewayv2.HttpMethod_POST, "/v1/users/{userId}/courses/{courseId}/events", false},
}

// Props configure the variant. Table and Identity are required.
type Props struct {
	Table         awsdynamodb.ITable
	Identity      *identity.Identity
	Observability *observability.Observability // default: a new topic without subscribers
	// Code is the bootstrap; default: the asset 'make cdk-assets' builds.
	Code           awslambda.Code
	MemoryMB       int
	TimeoutSeconds int
	ThrottleRate   int // steady requests per second at the stage
	ThrottleBurst  int
	LogRetention   awslogs.RetentionDays
	// Disposable lets log groups be destroyed with the stack (dev only).
	Disposable bool
}

// LambdaService is the deployed variant.
type LambdaService struct {
	constructs.Construct
	Function awslambda.Function
	Api      awsapigatewayv2.HttpApi
	Alarms   []awscloudwatch.Alarm
}

// New deploys the variant.
func New(scope constructs.Construct, id string, props *Props) *LambdaService {
	if props == nil || props.Table == nil || props.Identity == nil {
		panic(fmt.Sprintf("lambdaservice %s: Table and Identity are required", id))
	}
	c := constructs.NewConstruct(scope, &id)
	s := &LambdaService{Construct: c}
	code := props.Code
	if code == nil {
		var err error
		if code, err = assets.LambdaCode(); err != nil {
			panic(err.Error())
		}
	}
	retention := defaults.Retention(props.LogRetention)
	removal := defaults.Removal(props.Disposable)
	obs := observability.OrNew(c, props.Observability)

	fnLogs := awslogs.NewLogGroup(c, jsii.String("FunctionLogs"), &awslogs.LogGroupProps{Retention: retention, RemovalPolicy: removal})
	s.Function = awslambda.NewFunction(c, jsii.String("Function"), &awslambda.FunctionProps{
		Runtime:      awslambda.Runtime_PROVIDED_AL2023(),
		Architecture: awslambda.Architecture_ARM_64(),
		Handler:      jsii.String("bootstrap"),
		Code:         code,
		MemorySize:   jsii.Number(float64(defaults.Int(props.MemoryMB, DefaultMemoryMB))),
		Timeout:      awscdk.Duration_Seconds(jsii.Number(float64(defaults.Int(props.TimeoutSeconds, DefaultTimeoutSeconds)))),
		LogGroup:     fnLogs,
		Tracing:      awslambda.Tracing_ACTIVE,
		Description:  jsii.String("progresskit progress API"),
		Environment: &map[string]*string{
			lambdaenv.Table:    props.Table.TableName(),
			lambdaenv.Auth:     jsii.String(auth.ModeAPIGW),
			lambdaenv.Audience: awscdk.Fn_Join(jsii.String(","), &props.Identity.Audiences),
		},
	})
	compliance.LambdaFunction(s.Function)
	props.Table.Grant(s.Function, *jsii.Strings(table.ServiceActions...)...)

	accessLogs := awslogs.NewLogGroup(c, jsii.String("AccessLogs"), &awslogs.LogGroupProps{Retention: retention, RemovalPolicy: removal})
	s.Api = awsapigatewayv2.NewHttpApi(c, jsii.String("Api"), &awsapigatewayv2.HttpApiProps{
		Description:        jsii.String("progresskit progress API"),
		CreateDefaultStage: jsii.Bool(true),
	})
	stage := s.Api.DefaultStage().Node().DefaultChild().(awsapigatewayv2.CfnStage)
	stage.SetAccessLogSettings(&awsapigatewayv2.CfnStage_AccessLogSettingsProperty{
		DestinationArn: accessLogs.LogGroupArn(),
		Format:         jsii.String(accessLogFormat),
	})
	stage.SetDefaultRouteSettings(&awsapigatewayv2.CfnStage_RouteSettingsProperty{
		ThrottlingRateLimit:  jsii.Number(float64(defaults.Int(props.ThrottleRate, DefaultThrottleRate))),
		ThrottlingBurstLimit: jsii.Number(float64(defaults.Int(props.ThrottleBurst, DefaultThrottleBurst))),
	})

	integration := awsapigatewayv2integrations.NewHttpLambdaIntegration(jsii.String("Integration"), s.Function, &awsapigatewayv2integrations.HttpLambdaIntegrationProps{
		PayloadFormatVersion: awsapigatewayv2.PayloadFormatVersion_VERSION_2_0(),
	})
	authorizer := awsapigatewayv2authorizers.NewHttpJwtAuthorizer(jsii.String("JwtAuthorizer"), props.Identity.Issuer,
		&awsapigatewayv2authorizers.HttpJwtAuthorizerProps{JwtAudience: &props.Identity.Audiences})
	for _, r := range Routes {
		opts := &awsapigatewayv2.AddRoutesOptions{
			Path: jsii.String(r.Path), Methods: &[]awsapigatewayv2.HttpMethod{r.Method}, Integration: integration,
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

	five := awscdk.Duration_Minutes(jsii.Number(5))
	sum := &awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Sum")}
	s.Alarms = append(s.Alarms,
		obs.Alarm(c, "Api5xxRate", "More than 1% of API requests failed with 5xx",
			observability.ErrorRate(s.Api.MetricServerError(sum), s.Api.MetricCount(sum), "5xx %"), observability.Default5xxRatePercent),
		obs.Alarm(c, "ApiP99Latency", "API p99 latency is over 1 s",
			s.Api.MetricLatency(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("p99")}), observability.DefaultP99LatencyMs),
		obs.Alarm(c, "FunctionErrors", "The function returned errors or crashed",
			s.Function.MetricErrors(sum), observability.DefaultErrorCount),
		obs.Alarm(c, "FunctionThrottles", "Invocations were throttled (concurrency limit reached)",
			s.Function.MetricThrottles(sum), observability.DefaultThrottleCount),
	)
	awscdk.NewCfnOutput(c, jsii.String("ApiUrl"), &awscdk.CfnOutputProps{Value: s.Api.ApiEndpoint(), Description: jsii.String("progress API base URL")})
	return s
}

// accessLogFormat is one JSON object per request.
var accessLogFormat = "{" + strings.Join([]string{
	`"requestId":"$context.requestId"`, `"ip":"$context.identity.sourceIp"`, `"time":"$context.requestTime"`,
	`"method":"$context.httpMethod"`, `"route":"$context.routeKey"`, `"status":"$context.status"`,
	`"latencyMs":"$context.responseLatency"`, `"integrationLatencyMs":"$context.integrationLatency"`,
	`"authorizerError":"$context.authorizer.error"`, `"bytes":"$context.responseLength"`,
}, ",") + "}"
