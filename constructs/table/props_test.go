package table_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/internal/cdktest"
	"github.com/progresskit/progresskit/constructs/table"
)

func TestZeroPropsAreProductionSafe(t *testing.T) {
	stack := cdktest.Stack()
	table.New(stack, "Progress", &table.Props{})
	p := cdktest.Only(stack, "AWS::DynamoDB::Table")
	if p.DeletionPolicy != "Retain" || p.Properties["DeletionProtectionEnabled"] != true {
		t.Errorf("deletion policy %q, protection %v", p.DeletionPolicy, p.Properties["DeletionProtectionEnabled"])
	}
	pitr, _ := p.Properties["PointInTimeRecoverySpecification"].(map[string]any)
	if pitr["PointInTimeRecoveryEnabled"] != true {
		t.Errorf("PITR %v", pitr)
	}
}

func TestDisposableIsTheOptOut(t *testing.T) {
	stack := cdktest.Stack()
	table.New(stack, "Progress", &table.Props{Disposable: true})
	p := cdktest.Only(stack, "AWS::DynamoDB::Table")
	if p.DeletionPolicy != "Delete" || p.Properties["DeletionProtectionEnabled"] != false {
		t.Errorf("disposable: deletion policy %q, protection %v", p.DeletionPolicy, p.Properties["DeletionProtectionEnabled"])
	}
}

func TestExistingTableConflictsWithNewTableSettings(t *testing.T) {
	stack := cdktest.Stack()
	existing := awsdynamodb.Table_FromTableName(stack, jsii.String("Existing"), jsii.String("progress"))
	for name, props := range map[string]*table.Props{
		"TableName":  {ExistingTable: existing, TableName: jsii.String("other")},
		"Disposable": {ExistingTable: existing, Disposable: true},
	} {
		msg := cdktest.Panic(func() { table.New(stack, "T"+name, props) })
		if !strings.Contains(msg, "ExistingTable") || !strings.Contains(msg, name) {
			t.Errorf("ExistingTable with %s: panic %q, want one naming both", name, msg)
		}
	}
}
