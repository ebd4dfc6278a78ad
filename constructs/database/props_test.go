package database_test

import (
	"strings"
	"testing"

	"github.com/progresskit/progresskit/constructs/database"
	"github.com/progresskit/progresskit/constructs/internal/cdktest"
	"github.com/progresskit/progresskit/constructs/network"
)

func TestZeroPropsAreProductionSafe(t *testing.T) {
	stack := cdktest.Stack()
	database.New(stack, "Database", &database.Props{Vpc: network.New(stack, "Network", nil).Vpc})
	db := cdktest.Only(stack, "AWS::RDS::DBInstance").Properties
	for k, want := range map[string]any{"MultiAZ": true, "DeletionProtection": true, "StorageEncrypted": true, "PubliclyAccessible": false, "BackupRetentionPeriod": float64(database.DefaultBackupDays)} {
		if db[k] != want {
			t.Errorf("%s = %v, want %v", k, db[k], want)
		}
	}
}

func TestOptOutsAreDisposableAndSingleAZ(t *testing.T) {
	stack := cdktest.Stack()
	database.New(stack, "Database", &database.Props{Vpc: network.New(stack, "Network", nil).Vpc, Disposable: true, SingleAZ: true})
	db := cdktest.Only(stack, "AWS::RDS::DBInstance")
	if db.DeletionPolicy != "Delete" || db.Properties["DeletionProtection"] != false || db.Properties["MultiAZ"] != false {
		t.Errorf("opt-outs not applied: %s %v", db.DeletionPolicy, db.Properties)
	}
}

func TestVpcIsRequired(t *testing.T) {
	msg := cdktest.Panic(func() { database.New(cdktest.Stack(), "Database", nil) })
	if !strings.Contains(msg, "Vpc is required") {
		t.Errorf("panic %q", msg)
	}
}
