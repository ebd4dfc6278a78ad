// Package network is the VPC the container and EC2 variants run in: public
// subnets for the load balancer and the service, isolated subnets for a
// database, a gateway endpoint so DynamoDB traffic never leaves AWS's
// network, flow logs, and no NAT gateway unless asked for (it is the
// largest fixed cost of a small VPC).
package network

import (
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/internal/defaults"
	"github.com/progresskit/progresskit/constructs/internal/propcheck"
)

// DefaultMaxAzs spreads the service over two zones.
const DefaultMaxAzs = 2

// Props configure the network.
type Props struct {
	// ExistingVpc is used instead of a new VPC; services run in its private
	// subnets with egress. Conflicts with every setting below, which
	// describe a new VPC.
	// default: a new VPC
	ExistingVpc awsec2.IVpc
	// NatGateways adds private subnets with egress through NAT.
	// default: 0 (the service runs in public subnets behind its security group)
	NatGateways int
	// MaxAzs the new VPC spans.
	// default: 2
	MaxAzs int
	// Disposable lets the flow log group be destroyed with the stack.
	// default: false (retained)
	Disposable bool
	// LogRetentionDays of the flow log group.
	// default: one month
	LogRetentionDays awslogs.RetentionDays
}

// Network is the VPC and how to place things in it.
type Network struct {
	constructs.Construct
	Vpc awsec2.IVpc
	// ServiceSubnets is where tasks and instances run.
	ServiceSubnets *awsec2.SubnetSelection
	// PublicIP tells whether services there need a public address to reach
	// AWS APIs and the identity provider (true without NAT).
	PublicIP bool
}

// New creates the VPC or wraps an existing one (whose private subnets with
// egress are used if it has them).
func New(scope constructs.Construct, id string, props *Props) *Network {
	if props == nil {
		props = &Props{}
	}
	propcheck.For("network", id).Conflicts(propcheck.P("ExistingVpc", props.ExistingVpc != nil),
		propcheck.P("NatGateways", props.NatGateways != 0), propcheck.P("MaxAzs", props.MaxAzs != 0),
		propcheck.P("Disposable", props.Disposable), propcheck.P("LogRetentionDays", props.LogRetentionDays != ""))
	c := constructs.NewConstruct(scope, &id)
	n := &Network{Construct: c, Vpc: props.ExistingVpc}
	if n.Vpc != nil {
		n.ServiceSubnets = &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS}
		return n
	}
	subnets := []*awsec2.SubnetConfiguration{
		{Name: jsii.String("public"), SubnetType: awsec2.SubnetType_PUBLIC, CidrMask: jsii.Number(24)},
		{Name: jsii.String("isolated"), SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED, CidrMask: jsii.Number(24)},
	}
	if props.NatGateways > 0 {
		subnets = append(subnets, &awsec2.SubnetConfiguration{Name: jsii.String("private"), SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS, CidrMask: jsii.Number(22)})
	}
	maxAzs := defaults.Int(props.MaxAzs, DefaultMaxAzs)
	vpc := awsec2.NewVpc(c, jsii.String("Vpc"), &awsec2.VpcProps{
		MaxAzs:                       jsii.Number(float64(maxAzs)),
		NatGateways:                  jsii.Number(float64(props.NatGateways)),
		SubnetConfiguration:          &subnets,
		RestrictDefaultSecurityGroup: jsii.Bool(true),
		GatewayEndpoints: &map[string]*awsec2.GatewayVpcEndpointOptions{
			"DynamoDB": {Service: awsec2.GatewayVpcEndpointAwsService_DYNAMODB()},
		},
	})
	removal := defaults.Removal(props.Disposable)
	retention := defaults.Retention(props.LogRetentionDays)
	flowLogs := awslogs.NewLogGroup(c, jsii.String("FlowLogs"), &awslogs.LogGroupProps{Retention: retention, RemovalPolicy: removal})
	vpc.AddFlowLog(jsii.String("FlowLog"), &awsec2.FlowLogOptions{
		Destination: awsec2.FlowLogDestination_ToCloudWatchLogs(flowLogs, nil),
		TrafficType: awsec2.FlowLogTrafficType_REJECT,
	})
	n.Vpc = vpc
	if props.NatGateways > 0 {
		n.ServiceSubnets = &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS}
	} else {
		n.ServiceSubnets = &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PUBLIC}
		n.PublicIP = true
	}
	return n
}
