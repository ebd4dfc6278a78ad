// Package observability is what every variant shares for being woken up: an
// encrypted SNS topic for alarms (with the environment's email subscribed)
// and helpers that wire alarms to it.
package observability

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	elbv2 "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Default alarm thresholds, named so a reader finds them in one place.
const (
	Default5xxRatePercent = 1.0  // of requests over 5 minutes
	DefaultP99LatencyMs   = 1000 // API p99 over 5 minutes
	DefaultErrorCount     = 5    // function errors in 5 minutes
	DefaultThrottleCount  = 1    // any throttle in 5 minutes
	evaluationPeriods     = 3    // of 5 minutes, so a blip does not page
	datapointsToAlarm     = 2
)

// Props configure the alarm destination.
type Props struct {
	// ExistingTopic receives the alarms instead of a new topic.
	ExistingTopic awssns.ITopic
	// AlarmEmail is subscribed to a new topic when set.
	AlarmEmail string
	// DashboardName names the CloudWatch dashboard that shows every alarm's
	// metric; default: generated.
	DashboardName string
}

// Observability holds the alarm topic.
type Observability struct {
	constructs.Construct
	Topic     awssns.ITopic
	Dashboard awscloudwatch.Dashboard
}

// New creates the alarm topic (SSE with the AWS-managed key, TLS-only
// publishing) or wraps an existing one.
func New(scope constructs.Construct, id string, props *Props) *Observability {
	if props == nil {
		props = &Props{}
	}
	c := constructs.NewConstruct(scope, &id)
	o := &Observability{Construct: c, Topic: props.ExistingTopic}
	var name *string
	if props.DashboardName != "" {
		name = jsii.String(props.DashboardName)
	}
	o.Dashboard = awscloudwatch.NewDashboard(c, jsii.String("Dashboard"), &awscloudwatch.DashboardProps{DashboardName: name})
	if o.Topic == nil {
		topic := awssns.NewTopic(c, jsii.String("AlarmTopic"), &awssns.TopicProps{
			DisplayName: jsii.String("progresskit alarms"),
			MasterKey:   awskms.Alias_FromAliasName(c, jsii.String("SnsKey"), jsii.String("alias/aws/sns")),
			EnforceSSL:  jsii.Bool(true),
		})
		if props.AlarmEmail != "" {
			topic.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(props.AlarmEmail), nil))
		}
		o.Topic = topic
	}
	return o
}

// OrNew returns o, or a new Observability (a topic without subscribers)
// under scope when the caller passed none.
func OrNew(scope constructs.Construct, o *Observability) *Observability {
	if o != nil {
		return o
	}
	return New(scope, "Observability", nil)
}

// Alarm creates an alarm on metric above threshold and sends it (and its
// recovery) to the topic.
func (o *Observability) Alarm(scope constructs.Construct, id, description string, metric awscloudwatch.IMetric, threshold float64) awscloudwatch.Alarm {
	a := awscloudwatch.NewAlarm(scope, jsii.String(id), &awscloudwatch.AlarmProps{
		Metric:             metric,
		Threshold:          jsii.Number(threshold),
		EvaluationPeriods:  jsii.Number(evaluationPeriods),
		DatapointsToAlarm:  jsii.Number(datapointsToAlarm),
		ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
		TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		AlarmDescription:   jsii.String(description),
	})
	action := awscloudwatchactions.NewSnsAction(o.Topic)
	a.AddAlarmAction(action)
	a.AddOkAction(action)
	o.Dashboard.AddWidgets(awscloudwatch.NewAlarmWidget(&awscloudwatch.AlarmWidgetProps{
		Alarm: a, Title: jsii.String(description), Width: jsii.Number(12),
	}))
	return a
}

// LoadBalancerAlarms are the alarms of a service behind an ALB: 5xx rate
// (the targets' and the balancer's own), p99 response time, and unhealthy
// targets.
func (o *Observability) LoadBalancerAlarms(scope constructs.Construct, alb elbv2.ApplicationLoadBalancer, tg elbv2.ApplicationTargetGroup) []awscloudwatch.Alarm {
	five := awscdk.Duration_Minutes(jsii.Number(5))
	sum := &awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Sum")}
	errors := awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
		Expression: jsii.String("FILL(target, 0) + FILL(elb, 0)"),
		UsingMetrics: &map[string]awscloudwatch.IMetric{
			"target": alb.Metrics().HttpCodeTarget(elbv2.HttpCodeTarget_TARGET_5XX_COUNT, sum),
			"elb":    alb.Metrics().HttpCodeElb(elbv2.HttpCodeElb_ELB_5XX_COUNT, sum),
		},
		Period: five,
	})
	return []awscloudwatch.Alarm{
		o.Alarm(scope, "Http5xxRate", "More than 1% of requests failed with 5xx",
			ErrorRate(errors, alb.Metrics().RequestCount(sum), "5xx %"), Default5xxRatePercent),
		o.Alarm(scope, "P99Latency", "p99 target response time is over 1 s",
			alb.Metrics().TargetResponseTime(&awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("p99")}), DefaultP99LatencyMs/1000.0),
		o.Alarm(scope, "UnhealthyTargets", "A target fails its /readyz health check",
			tg.Metrics().UnhealthyHostCount(&awscloudwatch.MetricOptions{Period: awscdk.Duration_Minutes(jsii.Number(1)), Statistic: jsii.String("Maximum")}), 1),
	}
}

// ErrorRate is 100 × errors / requests over five minutes.
func ErrorRate(errors, requests awscloudwatch.IMetric, label string) awscloudwatch.IMetric {
	return awscloudwatch.NewMathExpression(&awscloudwatch.MathExpressionProps{
		Expression:   jsii.String("IF(requests > 0, 100 * errors / requests, 0)"),
		UsingMetrics: &map[string]awscloudwatch.IMetric{"errors": errors, "requests": requests},
		Label:        jsii.String(label),
		Period:       awscdk.Duration_Minutes(jsii.Number(5)),
	})
}
