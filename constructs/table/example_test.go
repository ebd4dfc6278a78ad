package table_test

import (
	"fmt"
	"testing"

	"github.com/progresskit/progresskit/constructs/internal/cdktest"
	"github.com/progresskit/progresskit/constructs/table"
)

func TestMain(m *testing.M) { cdktest.Main(m) }

// A new table with nothing set is production-safe: kept when its stack is
// deleted, deletion-protected, with point-in-time recovery.
func Example() {
	stack := cdktest.Stack()
	table.New(stack, "Progress", nil)

	t := cdktest.Only(stack, "AWS::DynamoDB::Table")
	fmt.Println(t.DeletionPolicy, t.Properties["DeletionProtectionEnabled"], t.Properties["BillingMode"])
	// Output: Retain true PAY_PER_REQUEST
}
