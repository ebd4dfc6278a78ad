package compliance_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/compliance"
	"github.com/progresskit/progresskit/constructs/internal/cdktest"
	"github.com/progresskit/progresskit/constructs/table"
)

func TestMain(m *testing.M) { cdktest.Main(m) }

// Check adds cdk-nag's AwsSolutions pack; a team adds it to its own app to
// hold its stacks to the same rules as progresskit's.
func ExampleCheck() {
	stack := cdktest.Stack()
	table.New(stack, "Table", nil)
	compliance.Check(stack)

	errs := assertions.Annotations_FromStack(stack).FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*")))
	fmt.Println(len(*errs), "cdk-nag errors")
	// Output: 0 cdk-nag errors
}
