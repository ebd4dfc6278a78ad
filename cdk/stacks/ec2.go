package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"

	"github.com/progresskit/progresskit/cdk/config"
	"github.com/progresskit/progresskit/constructs/ec2service"
	"github.com/progresskit/progresskit/constructs/identity"
	"github.com/progresskit/progresskit/constructs/observability"
)

// EC2StackProps configure the EC2 variant's compute stack.
type EC2StackProps struct {
	awscdk.StackProps
	Settings config.Settings
	RDS      *RDSStack
	Identity *identity.Identity
}

// EC2Stack is ALB + Auto Scaling group on the database.
type EC2Stack struct {
	awscdk.Stack
	Service *ec2service.EC2Service
}

// NewEC2Stack creates the EC2 variant.
func NewEC2Stack(scope constructs.Construct, id string, props *EC2StackProps) *EC2Stack {
	stack := awscdk.NewStack(scope, &id, &props.StackProps)
	s := props.Settings
	obs := observability.New(stack, "Observability", &observability.Props{AlarmEmail: s.AlarmEmail, DashboardName: id})
	svc := ec2service.New(stack, "Service", &ec2service.Props{
		Network:       props.RDS.Network,
		Database:      props.RDS.Database.Instance,
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
