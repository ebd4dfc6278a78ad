package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/cdk/config"
	"github.com/progresskit/progresskit/constructs/database"
	"github.com/progresskit/progresskit/constructs/network"
)

// RdsStackProps configure the EC2 variant's stateful stack.
type RdsStackProps struct {
	awscdk.StackProps
	Settings config.Settings
}

// RdsStack holds the VPC and the PostgreSQL database, apart from compute.
type RdsStack struct {
	awscdk.Stack
	Network  *network.Network
	Database *database.Database
}

// NewRdsStack creates the VPC and the database.
func NewRdsStack(scope constructs.Construct, id string, props *RdsStackProps) *RdsStack {
	stack := awscdk.NewStack(scope, &id, &props.StackProps)
	s := props.Settings
	net := network.New(stack, "Network", &network.Props{Disposable: !s.Production, LogRetentionDays: Retention(s.LogRetentionDays)})
	db := database.New(stack, "Database", &database.Props{
		Vpc: net.Vpc, InstanceClass: s.Sizing.RDSInstanceClass, StorageGiB: s.Sizing.RDSStorageGiB,
		BackupDays: s.Sizing.RDSBackupDays, SingleAZ: !s.Production, Disposable: !s.Production,
	})
	awscdk.NewCfnOutput(stack, jsii.String("DatabaseSecretArn"), &awscdk.CfnOutputProps{Value: db.Instance.Secret().SecretArn()})
	return &RdsStack{Stack: stack, Network: net, Database: db}
}
