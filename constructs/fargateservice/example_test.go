package fargateservice_test

import (
	"fmt"
	"testing"

	"github.com/progresskit/progresskit/constructs/fargateservice"
	"github.com/progresskit/progresskit/constructs/identity"
	"github.com/progresskit/progresskit/constructs/internal/cdktest"
	"github.com/progresskit/progresskit/constructs/table"
)

func TestMain(m *testing.M) { cdktest.Main(m) }

// The Fargate variant needs a table and an identity; it creates its VPC,
// cluster and load balancer, and writes its image's build context at
// synthesis (the image itself is built at deployment).
func Example() {
	stack := cdktest.Stack()
	fargateservice.New(stack, "Progress", &fargateservice.Props{
		Store:    table.New(stack, "Table", nil),
		Identity: identity.New(stack, "Identity", nil),
	})

	task := cdktest.Only(stack, "AWS::ECS::TaskDefinition").Properties
	fmt.Println(task["Cpu"], task["Memory"], task["RuntimePlatform"].(map[string]any)["CpuArchitecture"])
	// Output: 256 512 ARM64
}
