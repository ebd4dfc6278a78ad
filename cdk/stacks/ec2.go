package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"

	"github.com/progresskit/progresskit/cdk/config"
	"github.com/progresskit/progresskit/constructs/ec2service"
	"github.com/progresskit/progresskit/constructs/identity"
	"github.com/progresskit/progresskit/constructs/network"
	"github.com/progresskit/progresskit/constructs/observability"
	"github.com/progresskit/progresskit/constructs/store"
)

// EC2StackProps configure the EC2 variant's compute stack.
type EC2StackProps struct {
	awscdk.StackProps
	Settings config.Settings
	// Store is the env's database or table (the Rds or Data stack's).
	Store store.Store
	// Network is the database's, for a store in a VPC; nil: a network of
	// the stack's own.
	Network  *network.Network
	Identity *identity.Identity
}

// EC2Stack is ALB + Auto Scaling group on the env's store.
type EC2Stack struct {
	awscdk.Stack
	Service *ec2service.EC2Service
}

// NewEC2Stack creates the EC2 variant.
func NewEC2Stack(scope constructs.Construct, id string, props *EC2StackProps) *EC2Stack {
	stack := awscdk.NewStack(scope, &id, &props.StackProps)
	s := props.Settings
	obs := observability.New(stack, "Observability", &observability.Props{AlarmEmail: s.AlarmEmail, DashboardName: id})
	net := props.Network
	if net == nil {
		net = network.New(stack, "Network", &network.Props{Disposable: !s.Production, LogRetentionDays: Retention(s.LogRetentionDays)})
	}
	svc := ec2service.New(stack, "Service", &ec2service.Props{
		Network:       net,
		Store:         props.Store,
		Identity:      props.Identity,
		Observability: obs,
		Domain:        domain(stack, s),
		InstanceType:  s.Sizing.EC2InstanceType,
		Min:           s.Sizing.EC2MinInstances,
		Max:           s.Sizing.EC2MaxInstances,
		Disposable:    !s.Production,
	})
	return &EC2Stack{Stack: stack, Service: svc}
}
