// Package loadbalancer is the internet-facing Application Load Balancer the
// container and EC2 variants share: HTTPS when a certificate is given (with
// HTTP redirecting to it), access logs to an encrypted bucket, and invalid
// headers dropped.
package loadbalancer

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	elbv2 "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53targets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awswafv2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/customdomain"
	"github.com/progresskit/progresskit/constructs/internal/defaults"
	"github.com/progresskit/progresskit/constructs/internal/propcheck"
	"github.com/progresskit/progresskit/service/settings"

	"github.com/progresskit/progresskit/constructs/compliance"
)

const (
	// DeregistrationDelay in seconds: the server drains within 25.
	DeregistrationDelay = 30
	// DefaultAccessLogDays is how long access logs are kept.
	DefaultAccessLogDays = 90
)

// Props configure the load balancer. Vpc is required.
type Props struct {
	// Vpc whose public subnets hold the load balancer.
	Vpc awsec2.IVpc
	// Domain's Certificate makes the listener HTTPS on 443, with HTTP on 80
	// redirecting to it; its DomainName and HostedZone add the alias record.
	// default: none (HTTP on 80, the load balancer's own name)
	Domain customdomain.Props
	// WAFRateLimitPerIP adds an AWS WAF web ACL whose rate-based rule
	// blocks (429) a client IP address over this many requests in five
	// minutes (100 or more). It costs about $6/month plus $0.60 per million
	// requests.
	// default: 0 (no web ACL)
	WAFRateLimitPerIP int
	// AccessLogDays is how long access logs are kept.
	// default: 90
	AccessLogDays int
	// Disposable lets the access-log bucket be emptied and destroyed with
	// the stack.
	// default: false (retained)
	Disposable bool
}

// LoadBalancer is the ALB and the listener targets are added to.
type LoadBalancer struct {
	constructs.Construct
	Alb      elbv2.ApplicationLoadBalancer
	Listener elbv2.ApplicationListener
	HTTPS    bool
	// URL is the API's base URL: the custom domain's, else the balancer's.
	URL *string
	// WebACL is the rate-limiting web ACL, nil without WAFRateLimitPerIP.
	WebACL awswafv2.CfnWebACL
}

// New creates the load balancer.
func New(scope constructs.Construct, id string, props *Props) *LoadBalancer {
	if props == nil {
		props = &Props{}
	}
	check := propcheck.For("loadbalancer", id)
	check.Required(propcheck.P("Vpc", props.Vpc != nil))
	if props.WAFRateLimitPerIP != 0 && props.WAFRateLimitPerIP < 100 {
		// WAF's own floor for a rate-based rule.
		check.Refuse("WAFRateLimitPerIP %d is below WAF's minimum of 100 requests in five minutes", props.WAFRateLimitPerIP)
	}
	props.Domain.Check(check)
	c := constructs.NewConstruct(scope, &id)
	lb := &LoadBalancer{Construct: c, HTTPS: props.Domain.Certificate != nil}
	removal := defaults.Removal(props.Disposable)
	logs := awss3.NewBucket(c, jsii.String("AccessLogs"), &awss3.BucketProps{
		// ALB access logs support only SSE-S3.
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:        jsii.Bool(true),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		LifecycleRules:    &[]*awss3.LifecycleRule{{Expiration: awscdk.Duration_Days(jsii.Number(float64(defaults.Int(props.AccessLogDays, DefaultAccessLogDays))))}},
		RemovalPolicy:     removal,
		AutoDeleteObjects: jsii.Bool(props.Disposable),
	})
	compliance.LogBucket(logs)
	lb.Alb = elbv2.NewApplicationLoadBalancer(c, jsii.String("Alb"), &elbv2.ApplicationLoadBalancerProps{
		Vpc:                     props.Vpc,
		InternetFacing:          jsii.Bool(true),
		VpcSubnets:              &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PUBLIC},
		DropInvalidHeaderFields: jsii.Bool(true),
		DeletionProtection:      jsii.Bool(!props.Disposable),
	})
	logAccess(c, lb.Alb, logs, "alb")
	compliance.PublicLoadBalancer(lb.Alb)
	if props.WAFRateLimitPerIP > 0 {
		lb.addRateLimitACL(c, props.WAFRateLimitPerIP)
	}
	if lb.HTTPS {
		lb.Listener = lb.Alb.AddListener(jsii.String("Https"), &elbv2.BaseApplicationListenerProps{
			Port: jsii.Number(443), Protocol: elbv2.ApplicationProtocol_HTTPS,
			Certificates: &[]elbv2.IListenerCertificate{elbv2.ListenerCertificate_FromCertificateManager(props.Domain.Certificate)},
			SslPolicy:    elbv2.SslPolicy_RECOMMENDED_TLS,
		})
		lb.Alb.AddRedirect(&elbv2.ApplicationLoadBalancerRedirectConfig{})
	} else {
		lb.Listener = lb.Alb.AddListener(jsii.String("Http"), &elbv2.BaseApplicationListenerProps{
			Port: jsii.Number(80), Protocol: elbv2.ApplicationProtocol_HTTP,
		})
	}
	scheme := "http://"
	if lb.HTTPS {
		scheme = "https://"
	}
	props.Domain.Alias(c, awsroute53.RecordTarget_FromAlias(awsroute53targets.NewLoadBalancerTarget(lb.Alb, nil)))
	lb.URL = props.Domain.URL(awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String(scheme), lb.Alb.LoadBalancerDnsName()}))
	awscdk.NewCfnOutput(c, jsii.String("Url"), &awscdk.CfnOutputProps{Value: lb.URL, Description: jsii.String("progress API base URL")})
	return lb
}

// HealthCheck is the target group health check every variant uses.
func HealthCheck() *elbv2.HealthCheck {
	return &elbv2.HealthCheck{
		Path:                    jsii.String(settings.ReadyPath),
		HealthyHttpCodes:        jsii.String("200"),
		Interval:                awscdk.Duration_Seconds(jsii.Number(15)),
		Timeout:                 awscdk.Duration_Seconds(jsii.Number(5)),
		HealthyThresholdCount:   jsii.Number(2),
		UnhealthyThresholdCount: jsii.Number(3),
	}
}
