package network_test

import (
	"fmt"
	"testing"

	"github.com/progresskit/progresskit/constructs/internal/cdktest"
	"github.com/progresskit/progresskit/constructs/network"
)

func TestMain(m *testing.M) { cdktest.Main(m) }

// The default network has no NAT gateway (its largest fixed cost), a
// DynamoDB gateway endpoint, and flow logs kept when the stack goes.
func Example() {
	stack := cdktest.Stack()
	net := network.New(stack, "Network", nil)

	fmt.Println(len(cdktest.Resources(stack, "AWS::EC2::NatGateway")), "NAT gateways; public IPs:", net.PublicIP)
	fmt.Println("flow logs:", cdktest.Only(stack, "AWS::Logs::LogGroup").DeletionPolicy)
	// Output:
	// 0 NAT gateways; public IPs: true
	// flow logs: Retain
}
