// Package store is the seam between the compute constructs (lambdaservice,
// fargateservice, ec2service) and the store they keep progress in: the
// table construct's DynamoDB table or the database construct's PostgreSQL
// both implement Store, so any compute runs on any store.
package store

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"

	"github.com/progresskit/progresskit/constructs/observability"
)

// Store is where a compute construct keeps progress.
type Store interface {
	// Kind is the store the server must link (deploy.DynamoDB or
	// deploy.Postgres): each deployed binary links one store's
	// client alone.
	Kind() string
	// Vpc is the VPC the store lives in, where compute must run to reach
	// it; nil for a regional service reached over the network.
	Vpc() awsec2.IVpc
	// Connect lets c reach the store, declaring what that takes in scope,
	// the compute's own construct (grants to its role, the rule that
	// admits its security group, a connection pool in front of a
	// database), so that removing compute never touches the store's
	// stack. It returns the store URL for the server's PROGRESS_STORE.
	Connect(scope constructs.Construct, c Compute) *string
}

// Compute is what a compute construct brings to a store.
type Compute struct {
	// Role is what the server runs as: a task role, an instance role, a
	// function.
	Role awsiam.IGrantable
	// SecurityGroup is the compute's, when it runs in the store's VPC;
	// nil outside one.
	SecurityGroup awsec2.ISecurityGroup
	// Pooled is set by compute of many short-lived processes, each with
	// its own connection (Lambda's sandboxes): a database is then reached
	// through a connection pool (RDS Proxy).
	Pooled bool
}

// Monitored is a store with alarms of its own, which a compute construct
// adds beside its own, to its topic and dashboard.
type Monitored interface {
	Alarms(scope constructs.Construct, obs *observability.Observability, th observability.Thresholds) []awscloudwatch.Alarm
}
