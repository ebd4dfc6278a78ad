package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"

	"github.com/progresskit/progresskit/cdk/config"
	"github.com/progresskit/progresskit/constructs/fargateservice"
	"github.com/progresskit/progresskit/constructs/identity"
	"github.com/progresskit/progresskit/constructs/network"
	"github.com/progresskit/progresskit/constructs/observability"
	"github.com/progresskit/progresskit/constructs/store"
)

// FargateStackProps configure the Fargate variant's stack.
type FargateStackProps struct {
	awscdk.StackProps
	Settings config.Settings
	// Store is the env's table or database (the Data or Rds stack's).
	Store store.Store
	// Network is the database's, for a store in a VPC; nil: a network of
	// the stack's own.
	Network  *network.Network
	Identity *identity.Identity
}

// FargateStack is ALB + Fargate on the env's store.
type FargateStack struct {
	awscdk.Stack
	Service *fargateservice.FargateService
}

// NewFargateStack creates the Fargate variant.
func NewFargateStack(scope constructs.Construct, id string, props *FargateStackProps) *FargateStack {
	stack := awscdk.NewStack(scope, &id, &props.StackProps)
	s := props.Settings
	retention := Retention(s.LogRetentionDays)
	obs := observability.New(stack, "Observability", &observability.Props{AlarmEmail: s.AlarmEmail, DashboardName: id})
	net := props.Network
	if net == nil {
		net = network.New(stack, "Network", &network.Props{Disposable: !s.Production, LogRetentionDays: retention, NatGateways: s.NATGateways()})
	}
	svc := fargateservice.New(stack, "Service", &fargateservice.Props{
		Store:         props.Store,
		Identity:      props.Identity,
		Observability: obs,
		Network:       net,
		Domain:        domain(stack, s),
		CPU:           s.Sizing.FargateCPU,
		MemoryMiB:     s.Sizing.FargateMemoryMiB,
		MinTasks:      s.Sizing.FargateMinTasks,
		MaxTasks:      s.Sizing.FargateMaxTasks,
		Spot:          s.FargateSpot(),
		Deployment:    fargateservice.Deployment(s.FargateDeploymentStrategy()),
		LogRetention:  retention,
		Disposable:    !s.Production,
	})
	return &FargateStack{Stack: stack, Service: svc}
}
