package loadbalancer_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
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
