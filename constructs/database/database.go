// Package database is the EC2 variant's PostgreSQL: an encrypted arm64
// burstable RDS instance in isolated subnets, credentials generated into
// Secrets Manager, reachable only from the security groups it is opened to.
package database

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsrds"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/defaults"

	"github.com/progresskit/progresskit/constructs/compliance"
)

// Defaults a caller can override.
const (
	DefaultInstanceClass = "db.t4g.micro"
	DefaultStorageGiB    = 20
	DefaultBackupDays    = 7
	DatabaseName         = "progress"
	Username             = "progress"
)

// Props configure the database.
type Props struct {
	Vpc           awsec2.IVpc
	InstanceClass string // db.t4g.micro
	StorageGiB    int
	BackupDays    int
	// Production makes it Multi-AZ, deletion-protected and snapshotted on
	// delete; otherwise it is single-AZ and destroyed with its stack.
	Production bool
}

// Database is the instance and how to reach it.
type Database struct {
	constructs.Construct
	Instance awsrds.DatabaseInstance
}

// New creates the database.
func New(scope constructs.Construct, id string, props *Props) *Database {
	c := constructs.NewConstruct(scope, &id)
	class := props.InstanceClass
	if class == "" {
		class = DefaultInstanceClass
	}
	removal := awscdk.RemovalPolicy_DESTROY
	if props.Production {
		removal = awscdk.RemovalPolicy_SNAPSHOT
	}
	db := awsrds.NewDatabaseInstance(c, jsii.String("Postgres"), &awsrds.DatabaseInstanceProps{
		// PostgreSQL 17, minor pinned; RDS applies later minors in the maintenance window.
		Engine:                  awsrds.DatabaseInstanceEngine_Postgres(&awsrds.PostgresInstanceEngineProps{Version: awsrds.PostgresEngineVersion_VER_17_9()}),
		InstanceType:            awsec2.NewInstanceType(jsii.String(strings.TrimPrefix(class, "db."))),
		Vpc:                     props.Vpc,
		VpcSubnets:              &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED},
		Credentials:             awsrds.Credentials_FromGeneratedSecret(jsii.String(Username), nil),
		DatabaseName:            jsii.String(DatabaseName),
		StorageEncrypted:        jsii.Bool(true),
		AllocatedStorage:        jsii.Number(float64(defaults.Int(props.StorageGiB, DefaultStorageGiB))),
		StorageType:             awsrds.StorageType_GP3,
		MultiAz:                 jsii.Bool(props.Production),
		BackupRetention:         awscdk.Duration_Days(jsii.Number(float64(defaults.Int(props.BackupDays, DefaultBackupDays)))),
		DeletionProtection:      jsii.Bool(props.Production),
		RemovalPolicy:           removal,
		IamAuthentication:       jsii.Bool(true),
		CloudwatchLogsExports:   jsii.Strings("postgresql"),
		AutoMinorVersionUpgrade: jsii.Bool(true),
		PubliclyAccessible:      jsii.Bool(false),
	})
	compliance.Database(db, props.Production)
	return &Database{Construct: c, Instance: db}
}
