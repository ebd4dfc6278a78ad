package identity_test

import (
	"fmt"
	"testing"

	"github.com/progresskit/progresskit/constructs/identity"
	"github.com/progresskit/progresskit/constructs/internal/cdktest"
)

func TestMain(m *testing.M) { cdktest.Main(m) }

// With no props, identity creates a Cognito user pool (retained, deletion
// protected) with a web and a mobile client and the admin group.
func Example() {
	stack := cdktest.Stack()
	idp := identity.New(stack, "Identity", nil)

	pool := cdktest.Only(stack, "AWS::Cognito::UserPool")
	fmt.Println(pool.DeletionPolicy, pool.Properties["DeletionProtection"])
	fmt.Println(len(idp.Audiences), "audiences")
	// Output:
	// Retain ACTIVE
	// 2 audiences
}
