package ec2service_test

import (
	"fmt"
	"testing"

	"github.com/progresskit/progresskit/constructs/database"
	"github.com/progresskit/progresskit/constructs/ec2service"
	"github.com/progresskit/progresskit/constructs/identity"
	"github.com/progresskit/progresskit/constructs/internal/cdktest"
	"github.com/progresskit/progresskit/constructs/network"
)

func TestMain(m *testing.M) { cdktest.Main(m) }

// The EC2 variant needs a network, a PostgreSQL database and an identity;
// it builds the arm64 server at synthesis and runs it under systemd.
func Example() {
	stack := cdktest.Stack()
	net := network.New(stack, "Network", nil)
	ec2service.New(stack, "Progress", &ec2service.Props{
		Network:  net,
		Store:    database.New(stack, "Database", &database.Props{Vpc: net.Vpc}),
		Identity: identity.New(stack, "Identity", nil),
	})

	group := cdktest.Only(stack, "AWS::AutoScaling::AutoScalingGroup").Properties
	fmt.Println(group["MinSize"], group["MaxSize"])
	// Output: 1 2
}
