package ec2service_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/database"
	"github.com/progresskit/progresskit/constructs/ec2service"
	"github.com/progresskit/progresskit/constructs/identity"
	"github.com/progresskit/progresskit/constructs/internal/cdktest"
	"github.com/progresskit/progresskit/constructs/network"
)

func TestNetworkDatabaseAndIdentityAreRequired(t *testing.T) {
	msg := cdktest.Panic(func() { ec2service.New(cdktest.Stack(), "P", &ec2service.Props{}) })
	if !strings.Contains(msg, "ec2service P: Network is required") {
		t.Errorf("panic %q", msg)
	}
}

// The instances must reach their store: a Store is required, and a
// database in another VPC than the instances' Network is refused.
func TestStoreIsRequiredAndADatabaseMustShareTheNetwork(t *testing.T) {
	stack := cdktest.Stack()
	net := network.New(stack, "Net", nil)
	id := identity.New(stack, "Id", nil)
	if msg := cdktest.Panic(func() { ec2service.New(stack, "NoStore", &ec2service.Props{Network: net, Identity: id}) }); !strings.Contains(msg, "Store is required") {
		t.Errorf("no Store: panic %q", msg)
	}
	other := network.New(stack, "Other", nil)
	db := database.New(stack, "Db", &database.Props{Vpc: other.Vpc})
	msg := cdktest.Panic(func() { ec2service.New(stack, "Apart", &ec2service.Props{Network: net, Store: db, Identity: id}) })
	if !strings.Contains(msg, "ec2service Apart") || !strings.Contains(msg, "VPC") {
		t.Errorf("a database in another VPC: panic %q", msg)
	}
}

// An update never leaves the group without a serving instance: one
// instance at most is refused, and one to two keeps one in service while
// the replacement starts.
func TestAnUpdateKeepsAnInstanceServing(t *testing.T) {
	build := func(minN, maxN int) awscdk.Stack {
		stack := cdktest.Stack()
		net := network.New(stack, "Network", nil)
		ec2service.New(stack, "P", &ec2service.Props{
			Network:  net,
			Store:    database.New(stack, "Database", &database.Props{Vpc: net.Vpc}),
			Identity: identity.New(stack, "Identity", nil),
			Min:      minN, Max: maxN,
		})
		return stack
	}
	msg := cdktest.Panic(func() { build(1, 1) })
	if !strings.Contains(msg, "ec2service P: Max 1 would leave no instance serving") {
		t.Errorf("min = max = 1: panic %q, want a refusal", msg)
	}
	stack := build(1, 2)
	group := assertions.Template_FromStack(stack, nil).FindResources(jsii.String("AWS::AutoScaling::AutoScalingGroup"), nil)
	if len(*group) == 0 {
		t.Fatal("min 1, max 2: the template has no auto scaling group")
	}
	for _, g := range *group {
		update := (*g)["UpdatePolicy"].(map[string]any)["AutoScalingRollingUpdate"].(map[string]any)
		if update["MinInstancesInService"] != 1.0 || update["MaxBatchSize"] != 1.0 {
			t.Errorf("min 1, max 2: rolling update %v, want one instance in service and one replaced at a time", update)
		}
		if p := (*g)["Properties"].(map[string]any); p["MaxSize"] != "2" {
			t.Errorf("MaxSize %v: the replacement has no room to start", p["MaxSize"])
		}
	}
}
