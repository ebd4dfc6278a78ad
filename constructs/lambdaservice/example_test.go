package lambdaservice_test

import (
	"fmt"
	"testing"

	"github.com/progresskit/progresskit/constructs/identity"
	"github.com/progresskit/progresskit/constructs/internal/cdktest"
	"github.com/progresskit/progresskit/constructs/lambdaservice"
	"github.com/progresskit/progresskit/constructs/table"
)

func TestMain(m *testing.M) { cdktest.Main(m) }

// The Lambda variant needs a table and an identity; it builds its arm64
// bootstrap from the progresskit module at synthesis.
func Example() {
	stack := cdktest.Stack()
	lambdaservice.New(stack, "Progress", &lambdaservice.Props{
		Store:    table.New(stack, "Table", nil),
		Identity: identity.New(stack, "Identity", nil),
	})

	// Two functions: the API's and the pre-traffic probe hook.
	for _, fn := range cdktest.Resources(stack, "AWS::Lambda::Function") {
		if p := fn.Properties; p["Description"] == lambdaservice.Description {
			fmt.Println(p["Runtime"], p["Architectures"], p["MemorySize"])
		}
	}
	// Output: provided.al2023 [arm64] 256
}
