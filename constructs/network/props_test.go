package network_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/internal/cdktest"
	"github.com/progresskit/progresskit/constructs/network"
)

func TestExistingVpcConflictsWithNewVpcSettings(t *testing.T) {
	stack := cdktest.Stack()
	vpc := awsec2.Vpc_FromVpcAttributes(stack, jsii.String("Vpc"), &awsec2.VpcAttributes{
		VpcId: jsii.String("vpc-1"), AvailabilityZones: jsii.Strings("eu-west-2a"),
	})
	msg := cdktest.Panic(func() { network.New(stack, "N", &network.Props{ExistingVpc: vpc, NatGateways: 1}) })
	if !strings.Contains(msg, "ExistingVpc") || !strings.Contains(msg, "NatGateways") {
		t.Errorf("panic %q, want one naming ExistingVpc and NatGateways", msg)
	}
}
