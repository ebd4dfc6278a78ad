// Package database is progress's PostgreSQL store: an encrypted arm64 RDS
// instance in isolated subnets, credentials generated into Secrets
// Manager, reachable only from the compute it is connected to
// (store.Store): a server's security group directly, a Lambda function's
// through an RDS Proxy with IAM authentication.
package database

import (
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsrds"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/internal/defaults"
	"github.com/progresskit/progresskit/constructs/internal/propcheck"

	"github.com/progresskit/progresskit/constructs/compliance"
)

// enhancedMonitoringSeconds is the OS metrics interval (free tier of
// CloudWatch Logs at this size).
const enhancedMonitoringSeconds = 60

// Defaults a caller can override.
const (
	DefaultInstanceClass = "db.t4g.micro"
	DefaultStorageGiB    = 20
	DefaultBackupDays    = 7
	DatabaseName         = "progress"
	Username             = "progress"
)

// Port is PostgreSQL's, where the database and a proxy in front of it
// listen.
const Port = 5432

// Props configure the database. Vpc is required. The zero value of the
// rest is production-safe: Multi-AZ, deletion-protected, snapshotted when
// its stack is deleted, seven days of backups.
type Props struct {
	// Vpc holds the database in its isolated subnets.
	Vpc awsec2.IVpc
	// ExistingInstance is used as it is instead of creating a database,
	// with ExistingSecret; it must run PostgreSQL with DatabaseName and
	// Username, in Vpc. Conflicts with every setting below, which describe
	// a new database.
	// default: a new database
	ExistingInstance awsrds.IDatabaseInstance
	// ExistingSecret holds ExistingInstance's credentials as RDS writes
	// them (username, password, host, port, dbname).
	// default: none (required with ExistingInstance)
	ExistingSecret awssecretsmanager.ISecret
	// InstanceClass is a Graviton class.
	// default: db.t4g.micro
	InstanceClass string
	// StorageGiB of gp3 storage.
	// default: 20
	StorageGiB int
	// BackupDays of automated backups.
	// default: 7
	BackupDays int
	// SingleAZ runs one instance instead of a standby in a second zone,
	// halving the cost (development).
	// default: false (Multi-AZ)
	SingleAZ bool
	// Disposable destroys the database with its stack, without a final
	// snapshot, and turns off deletion protection (development).
	// default: false (snapshot on delete, deletion-protected)
	Disposable bool
}

// Database is the instance, its credentials, and how to reach it.
type Database struct {
	constructs.Construct
	Instance awsrds.IDatabaseInstance
	Secret   awssecretsmanager.ISecret
	vpc      awsec2.IVpc
}

// New creates the database, or wraps ExistingInstance.
func New(scope constructs.Construct, id string, props *Props) *Database {
	if props == nil {
		props = &Props{}
	}
	check := propcheck.For("database", id)
	check.Required(propcheck.P("Vpc", props.Vpc != nil))
	check.Conflicts(propcheck.P("ExistingInstance", props.ExistingInstance != nil),
		propcheck.P("InstanceClass", props.InstanceClass != ""), propcheck.P("StorageGiB", props.StorageGiB != 0),
		propcheck.P("BackupDays", props.BackupDays != 0), propcheck.P("SingleAZ", props.SingleAZ), propcheck.P("Disposable", props.Disposable))
	check.Needs(propcheck.P("ExistingInstance", props.ExistingInstance != nil), propcheck.P("ExistingSecret", props.ExistingSecret != nil))
	check.Needs(propcheck.P("ExistingSecret", props.ExistingSecret != nil), propcheck.P("ExistingInstance", props.ExistingInstance != nil))
	c := constructs.NewConstruct(scope, &id)
	if props.ExistingInstance != nil {
		return &Database{Construct: c, Instance: props.ExistingInstance, Secret: props.ExistingSecret, vpc: props.Vpc}
	}
	class := props.InstanceClass
	if class == "" {
		class = DefaultInstanceClass
	}
	removal := awscdk.RemovalPolicy_SNAPSHOT
	if props.Disposable {
		removal = awscdk.RemovalPolicy_DESTROY
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
		MultiAz:                 jsii.Bool(!props.SingleAZ),
		BackupRetention:         awscdk.Duration_Days(jsii.Number(float64(defaults.Int(props.BackupDays, DefaultBackupDays)))),
		DeletionProtection:      jsii.Bool(!props.Disposable),
		RemovalPolicy:           removal,
		IamAuthentication:       jsii.Bool(true),
		CloudwatchLogsExports:   jsii.Strings("postgresql", "upgrade"),
		MonitoringInterval:      awscdk.Duration_Seconds(jsii.Number(enhancedMonitoringSeconds)),
		AutoMinorVersionUpgrade: jsii.Bool(true),
		PubliclyAccessible:      jsii.Bool(false),
	})
	compliance.Database(db, props.SingleAZ, props.Disposable)
	return &Database{Construct: c, Instance: db, Secret: db.Secret(), vpc: props.Vpc}
}
