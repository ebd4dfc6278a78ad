package loadbalancer_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	elbv2 "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/internal/cdktest"
	"github.com/progresskit/progresskit/constructs/loadbalancer"
	"github.com/progresskit/progresskit/constructs/network"
)

// A stack without a region (the CDK's default) still logs access: the
// bucket admits the region's ELB account, found at deployment.
func TestAccessLogsInAStackWithoutRegion(t *testing.T) {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Agnostic"), nil)
	lb := loadbalancer.New(stack, "LB", &loadbalancer.Props{Vpc: network.New(stack, "Network", nil).Vpc})
	lb.Listener.AddAction(jsii.String("Default"), &elbv2.AddApplicationActionProps{Action: elbv2.ListenerAction_FixedResponse(jsii.Number(404), nil)})
	tmpl := assertions.Template_FromStack(stack, nil).ToJSON()
	var mappings map[string]map[string]map[string]string
	raw, _ := json.Marshal((*tmpl)["Mappings"])
	json.Unmarshal(raw, &mappings)
	var accounts map[string]map[string]string
	for id, m := range mappings {
		if strings.Contains(id, "ElbLogAccounts") {
			accounts = m
		}
	}
	// us-east-1's account is AWS's published one; a region opened since
	// August 2022 has none and is served by the log delivery service.
	if accounts["us-east-1"]["account"] != "127311923021" || accounts["ap-southeast-4"]["account"] != "none" {
		t.Fatalf("ELB log accounts %v", accounts)
	}
	attrs, _ := json.Marshal(cdktest.Only(stack, "AWS::ElasticLoadBalancingV2::LoadBalancer").Properties["LoadBalancerAttributes"])
	if !strings.Contains(string(attrs), `{"Key":"access_logs.s3.enabled","Value":"true"}`) {
		t.Errorf("attributes %s", attrs)
	}
	policy, _ := json.Marshal(cdktest.Only(stack, "AWS::S3::BucketPolicy").Properties)
	for _, want := range []string{`"Fn::If"`, `"logdelivery.elasticloadbalancing.amazonaws.com"`, `"s3:PutObject"`} {
		if !strings.Contains(string(policy), want) {
			t.Errorf("bucket policy lacks %s: %s", want, policy)
		}
	}

	// With a region the CDK names the account itself; no mapping.
	bound := cdktest.Stack()
	lb = loadbalancer.New(bound, "LB", &loadbalancer.Props{Vpc: network.New(bound, "Network", nil).Vpc})
	lb.Listener.AddAction(jsii.String("Default"), &elbv2.AddApplicationActionProps{Action: elbv2.ListenerAction_FixedResponse(jsii.Number(404), nil)})
	if m := (*assertions.Template_FromStack(bound, nil).ToJSON())["Mappings"]; m != nil {
		t.Errorf("a region-bound stack has mappings %v", m)
	}
}

func TestWAFRateLimitIsOptIn(t *testing.T) {
	stack := cdktest.Stack()
	lb := loadbalancer.New(stack, "LB", &loadbalancer.Props{Vpc: network.New(stack, "Network", nil).Vpc})
	lb.Listener.AddAction(jsii.String("Default"), &elbv2.AddApplicationActionProps{Action: elbv2.ListenerAction_FixedResponse(jsii.Number(404), nil)})
	if n := len(cdktest.Resources(stack, "AWS::WAFv2::WebACL")); n != 0 || lb.WebACL != nil {
		t.Fatalf("%d web ACLs by default, want none", n)
	}

	stack = cdktest.Stack()
	lb = loadbalancer.New(stack, "LB", &loadbalancer.Props{Vpc: network.New(stack, "Network", nil).Vpc, WAFRateLimitPerIP: 2000})
	lb.Listener.AddAction(jsii.String("Default"), &elbv2.AddApplicationActionProps{Action: elbv2.ListenerAction_FixedResponse(jsii.Number(404), nil)})
	acl := cdktest.Only(stack, "AWS::WAFv2::WebACL").Properties
	raw, _ := json.Marshal(acl["Rules"])
	for _, want := range []string{`"Limit":2000`, `"AggregateKeyType":"IP"`, `"ResponseCode":429`} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("rule %s lacks %s", raw, want)
		}
	}
	if acl["Scope"] != "REGIONAL" {
		t.Errorf("scope %v", acl["Scope"])
	}
	cdktest.Only(stack, "AWS::WAFv2::WebACLAssociation")
	if msg := cdktest.Panic(func() {
		s := cdktest.Stack()
		loadbalancer.New(s, "LB", &loadbalancer.Props{Vpc: network.New(s, "Network", nil).Vpc, WAFRateLimitPerIP: 10})
	}); !strings.Contains(msg, "WAFRateLimitPerIP") {
		t.Errorf("a limit under WAF's minimum: %q", msg)
	}
}
