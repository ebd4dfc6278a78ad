package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/cdk/config"
	"github.com/progresskit/progresskit/constructs/database"
	"github.com/progresskit/progresskit/constructs/network"
)

// RDSStackProps configure the EC2 variant's stateful stack.
type RDSStackProps struct {
	awscdk.StackProps
	Settings config.Settings
}

// RDSStack holds the VPC and the PostgreSQL database, apart from compute.
type RDSStack struct {
	awscdk.Stack
	Network  *network.Network
	Database *database.Database
}

// NewRDSStack creates the VPC and the database.
func NewRDSStack(scope constructs.Construct, id string, props *RDSStackProps) *RDSStack {
	stack := awscdk.NewStack(scope, &id, &props.StackProps)
	s := props.Settings
	net := network.New(stack, "Network", &network.Props{Disposable: !s.Production, LogRetentionDays: Retention(s.LogRetentionDays), NatGateways: s.NATGateways()})
	db := database.New(stack, "Database", &database.Props{
		Vpc: net.Vpc, InstanceClass: s.Sizing.RDSInstanceClass, StorageGiB: s.Sizing.RDSStorageGiB,
		BackupDays: s.Sizing.RDSBackupDays, SingleAZ: !s.MultiAZ(), Disposable: !s.Production,
	})
	awscdk.NewCfnOutput(stack, jsii.String("DatabaseSecretArn"), &awscdk.CfnOutputProps{Value: db.Secret.SecretArn()})
	// Every subnet is exported whichever compute is deployed: Lambda
	// imports the isolated ones, Fargate and EC2 the public ones, and
	// CloudFormation refuses to delete an export a stack still imports,
	// so exports that followed the arch would make switching compute fail.
	for _, subnets := range [][]awsec2.ISubnet{*net.Vpc.PublicSubnets(), *net.Vpc.PrivateSubnets(), *net.Vpc.IsolatedSubnets()} {
		for _, sn := range subnets {
			stack.ExportValue(sn.SubnetId(), nil)
		}
	}
	return &RDSStack{Stack: stack, Network: net, Database: db}
}
