package loadbalancer_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	elbv2 "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/internal/cdktest"
	"github.com/progresskit/progresskit/constructs/loadbalancer"
	"github.com/progresskit/progresskit/constructs/network"
)

func TestRegionIsRequiredForAccessLogs(t *testing.T) {
	stack := awscdk.NewStack(awscdk.NewApp(nil), jsii.String("Agnostic"), nil)
	msg := cdktest.Panic(func() {
		loadbalancer.New(stack, "LB", &loadbalancer.Props{Vpc: network.New(stack, "Network", nil).Vpc})
	})
	if !strings.Contains(msg, "region") {
		t.Errorf("panic %q, want one that asks for a region", msg)
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
