package lambdaservice_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/customdomain"
	"github.com/progresskit/progresskit/constructs/identity"
	"github.com/progresskit/progresskit/constructs/internal/cdktest"
	"github.com/progresskit/progresskit/constructs/lambdaservice"
	"github.com/progresskit/progresskit/constructs/observability"
	"github.com/progresskit/progresskit/constructs/table"
)

func required(stack awscdk.Stack) *lambdaservice.Props {
	return &lambdaservice.Props{Store: table.New(stack, "Table", nil), Identity: identity.New(stack, "Identity", nil)}
}

func TestZeroPropsKeepLogsAndUseDefaults(t *testing.T) {
	stack := cdktest.Stack()
	lambdaservice.New(stack, "Progress", required(stack))
	for id, lg := range cdktest.Resources(stack, "AWS::Logs::LogGroup") {
		if lg.DeletionPolicy != "Retain" {
			t.Errorf("log group %s: %s", id, lg.DeletionPolicy)
		}
	}
	stage := cdktest.Only(stack, "AWS::ApiGatewayV2::Stage").Properties["DefaultRouteSettings"].(map[string]any)
	if stage["ThrottlingRateLimit"] != float64(lambdaservice.DefaultThrottleRate) {
		t.Errorf("throttle %v", stage["ThrottlingRateLimit"])
	}
}

func TestAlarmThresholdsAreProps(t *testing.T) {
	stack := cdktest.Stack()
	p := required(stack)
	p.Alarms = observability.Thresholds{ErrorRatePercent: 2.5, FunctionErrors: 9}
	lambdaservice.New(stack, "Progress", p)
	thresholds := map[float64]bool{}
	for _, a := range cdktest.Resources(stack, "AWS::CloudWatch::Alarm") {
		thresholds[a.Properties["Threshold"].(float64)] = true
	}
	if !thresholds[2.5] || !thresholds[9] || !thresholds[observability.DefaultP99LatencyMs] {
		t.Errorf("alarm thresholds %v, want 2.5, 9 and the default p99", thresholds)
	}
}

func TestCustomDomain(t *testing.T) {
	stack := cdktest.Stack()
	p := required(stack)
	p.Domain = customdomain.Props{
		DomainName:  "progress.example.com",
		Certificate: awscertificatemanager.Certificate_FromCertificateArn(stack, jsii.String("Cert"), jsii.String("arn:aws:acm:eu-west-2:123456789012:certificate/abc")),
		HostedZone:  awsroute53.HostedZone_FromHostedZoneId(stack, jsii.String("Zone"), jsii.String("Z0123456789ABCDEFGHIJ")),
	}
	svc := lambdaservice.New(stack, "Progress", p)
	dn := cdktest.Only(stack, "AWS::ApiGatewayV2::DomainName").Properties
	if dn["DomainName"] != "progress.example.com" {
		t.Errorf("domain %v", dn)
	}
	cdktest.Only(stack, "AWS::ApiGatewayV2::ApiMapping")
	rec := cdktest.Only(stack, "AWS::Route53::RecordSet").Properties
	if rec["Name"] != "progress.example.com." || rec["Type"] != "A" || rec["AliasTarget"] == nil {
		t.Errorf("record %v", rec)
	}
	if *svc.URL != "https://progress.example.com" {
		t.Errorf("URL %s", *svc.URL)
	}
	outputs, _ := json.Marshal(assertions.Template_FromStack(stack, nil).FindOutputs(jsii.String("*"), nil))
	if !strings.Contains(string(outputs), "https://progress.example.com") {
		t.Errorf("ApiUrl does not show the custom domain: %s", outputs)
	}
}

func TestConflictingAndMissingProps(t *testing.T) {
	stack := cdktest.Stack()
	zone := awsroute53.HostedZone_FromHostedZoneId(stack, jsii.String("Zone"), jsii.String("Z0123456789ABCDEFGHIJ"))
	for want, props := range map[string]*lambdaservice.Props{
		"Store is required":                          {},
		"Domain.DomainName needs Domain.Certificate": {Domain: customdomain.Props{DomainName: "a.example.com"}},
		"Domain.HostedZone needs Domain.DomainName":  {Domain: customdomain.Props{HostedZone: zone}},
	} {
		if want != "Store is required" {
			p := required(awscdk.NewStack(awscdk.NewApp(nil), jsii.String("S"), nil))
			p.Domain = props.Domain
			props = p
		}
		if msg := cdktest.Panic(func() { lambdaservice.New(stack, "P", props) }); !strings.Contains(msg, want) {
			t.Errorf("panic %q, want %q", msg, want)
		}
	}
}
