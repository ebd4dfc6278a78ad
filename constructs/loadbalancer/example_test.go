package loadbalancer_test

import (
	"fmt"
	"testing"

	elbv2 "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/internal/cdktest"
	"github.com/progresskit/progresskit/constructs/loadbalancer"
	"github.com/progresskit/progresskit/constructs/network"
)

func TestMain(m *testing.M) { cdktest.Main(m) }

// Without a certificate the balancer listens on HTTP; its access logs go
// to a bucket that outlives the stack.
func Example() {
	stack := cdktest.Stack()
	lb := loadbalancer.New(stack, "LoadBalancer", &loadbalancer.Props{Vpc: network.New(stack, "Network", nil).Vpc})
	// A variant adds its targets to the listener; here a fixed answer.
	lb.Listener.AddAction(jsii.String("Default"), &elbv2.AddApplicationActionProps{
		Action: elbv2.ListenerAction_FixedResponse(jsii.Number(404), nil),
	})

	fmt.Println("HTTPS:", lb.HTTPS)
	fmt.Println("access logs:", cdktest.Only(stack, "AWS::S3::Bucket").DeletionPolicy)
	// Output:
	// HTTPS: false
	// access logs: Retain
}
