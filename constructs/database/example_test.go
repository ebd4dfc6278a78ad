package database_test

import (
	"fmt"
	"testing"

	"github.com/progresskit/progresskit/constructs/database"
	"github.com/progresskit/progresskit/constructs/internal/cdktest"
	"github.com/progresskit/progresskit/constructs/network"
)

func TestMain(m *testing.M) { cdktest.Main(m) }

// Only the VPC is required; the rest defaults to a production database:
// Multi-AZ, deletion-protected, snapshotted when its stack is deleted.
func Example() {
	stack := cdktest.Stack()
	net := network.New(stack, "Network", nil)
	database.New(stack, "Database", &database.Props{Vpc: net.Vpc})

	db := cdktest.Only(stack, "AWS::RDS::DBInstance")
	fmt.Println(db.DeletionPolicy, db.Properties["MultiAZ"], db.Properties["DeletionProtection"], db.Properties["DBInstanceClass"])
	// Output: Snapshot true true db.t4g.micro
}
