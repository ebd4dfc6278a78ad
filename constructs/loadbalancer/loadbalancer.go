// Package loadbalancer is the internet-facing Application Load Balancer the
// container and EC2 variants share: HTTPS when a certificate is given (with
// HTTP redirecting to it), access logs to an encrypted bucket, and invalid
// headers dropped.
package loadbalancer

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	elbv2 "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/defaults"

	"github.com/progresskit/progresskit/constructs/compliance"
)

// Health check of the targets: the server's readiness (store reachable).
const (
	HealthPath          = "/readyz"
	DeregistrationDelay = 30 // seconds; the server drains within 25
	accessLogDays       = 90
)

// Props configure the load balancer.
type Props struct {
	Vpc         awsec2.IVpc
	Certificate awscertificatemanager.ICertificate // HTTPS when set
	// Disposable lets the access-log bucket be emptied and destroyed with
	// the stack.
	Disposable bool
}

// LoadBalancer is the ALB and the listener targets are added to.
type LoadBalancer struct {
	constructs.Construct
	Alb      elbv2.ApplicationLoadBalancer
	Listener elbv2.ApplicationListener
	HTTPS    bool
}

// New creates the load balancer.
func New(scope constructs.Construct, id string, props *Props) *LoadBalancer {
	c := constructs.NewConstruct(scope, &id)
	lb := &LoadBalancer{Construct: c, HTTPS: props.Certificate != nil}
	removal := defaults.Removal(props.Disposable)
	logs := awss3.NewBucket(c, jsii.String("AccessLogs"), &awss3.BucketProps{
		// ALB access logs support only SSE-S3.
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:        jsii.Bool(true),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		LifecycleRules:    &[]*awss3.LifecycleRule{{Expiration: awscdk.Duration_Days(jsii.Number(accessLogDays))}},
		RemovalPolicy:     removal,
		AutoDeleteObjects: jsii.Bool(props.Disposable),
	})
	compliance.LogBucket(logs)
	lb.Alb = elbv2.NewApplicationLoadBalancer(c, jsii.String("Alb"), &elbv2.ApplicationLoadBalancerProps{
		Vpc:                     props.Vpc,
		InternetFacing:          jsii.Bool(true),
		VpcSubnets:              &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PUBLIC},
		DropInvalidHeaderFields: jsii.Bool(true),
	})
	lb.Alb.LogAccessLogs(logs, jsii.String("alb"))
	compliance.PublicLoadBalancer(lb.Alb)
	if lb.HTTPS {
		lb.Listener = lb.Alb.AddListener(jsii.String("Https"), &elbv2.BaseApplicationListenerProps{
			Port: jsii.Number(443), Protocol: elbv2.ApplicationProtocol_HTTPS,
			Certificates: &[]elbv2.IListenerCertificate{elbv2.ListenerCertificate_FromCertificateManager(props.Certificate)},
			SslPolicy:    elbv2.SslPolicy_RECOMMENDED_TLS,
		})
		lb.Alb.AddRedirect(&elbv2.ApplicationLoadBalancerRedirectConfig{})
	} else {
		lb.Listener = lb.Alb.AddListener(jsii.String("Http"), &elbv2.BaseApplicationListenerProps{
			Port: jsii.Number(80), Protocol: elbv2.ApplicationProtocol_HTTP,
		})
	}
	url := "http://"
	if lb.HTTPS {
		url = "https://"
	}
	awscdk.NewCfnOutput(c, jsii.String("Url"), &awscdk.CfnOutputProps{
		Value: awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String(url), lb.Alb.LoadBalancerDnsName()}),
	})
	return lb
}

// HealthCheck is the target group health check every variant uses.
func HealthCheck() *elbv2.HealthCheck {
	return &elbv2.HealthCheck{
		Path:                    jsii.String(HealthPath),
		HealthyHttpCodes:        jsii.String("200"),
		Interval:                awscdk.Duration_Seconds(jsii.Number(15)),
		Timeout:                 awscdk.Duration_Seconds(jsii.Number(5)),
		HealthyThresholdCount:   jsii.Number(2),
		UnhealthyThresholdCount: jsii.Number(3),
	}
}
