// Package ec2service deploys the progress server on an Auto Scaling group
// of arm64 instances behind the shared load balancer, under the hardened
// systemd unit in service/systemd, on the PostgreSQL database. Instances
// require IMDSv2 and are reached through SSM only: no SSH port, no key.
package ec2service

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsautoscaling"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	elbv2 "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/customdomain"
	"github.com/progresskit/progresskit/constructs/internal/defaults"
	"github.com/progresskit/progresskit/constructs/internal/propcheck"

	"github.com/progresskit/progresskit/constructs/assets"
	"github.com/progresskit/progresskit/constructs/compliance"
	"github.com/progresskit/progresskit/constructs/identity"
	"github.com/progresskit/progresskit/constructs/loadbalancer"
	"github.com/progresskit/progresskit/constructs/network"
	"github.com/progresskit/progresskit/constructs/observability"
	"github.com/progresskit/progresskit/constructs/store"
	"github.com/progresskit/progresskit/service/settings"
)

// Defaults a caller can override through Props.
const (
	DefaultInstanceType = "t4g.small"
	DefaultMin          = 1
	DefaultMax          = 2
	DefaultCPUTarget    = 60 // percent
)

// MinMax is the smallest Max the group takes. A rolling update replaces
// one instance at a time and keeps min(Min, Max-1) in service, starting
// the replacement first: with Max 1 it would keep none.
const MinMax = 2

const rootVolumeGiB = 8

// Start-up limits of one instance. The readiness wait is shorter than the
// signal timeout, so an instance whose server never comes up says so
// (a failure signal) before CloudFormation gives up on it.
const (
	SignalTimeoutMinutes = 10
	ReadyTimeoutSeconds  = 300
)

// Props configure the variant. Network, Store and Identity are required.
type Props struct {
	// Network the instances and the load balancer run in (network.New);
	// with a store in a VPC, the network of that VPC.
	Network *network.Network
	// Store holds the progress: database.New's PostgreSQL, which admits the
	// instances' security group alone and whose generated secret they
	// read, or table.New's DynamoDB table, reached through the network's
	// gateway endpoint.
	Store store.Store
	// Identity issues the tokens the API accepts (identity.New).
	Identity *identity.Identity
	// Observability receives the alarms and shows them on its dashboard.
	// default: a new topic without subscribers, and a dashboard
	Observability *observability.Observability
	// InstanceType is a Graviton (arm64) type.
	// default: t4g.small
	InstanceType string
	// Min instances in service.
	// default: 1
	Min int
	// Max instances scaling may add; at least MinMax (2), so an update
	// can start a replacement before it stops an instance.
	// default: 2
	Max int
	// CPUTargetPercent is the average CPU that scaling holds.
	// default: 60
	CPUTargetPercent int
	// Alarms sets the alarm thresholds.
	// default: observability's defaults
	Alarms observability.Thresholds
	// Domain serves HTTPS with its Certificate, at its DomainName.
	// default: HTTP at the load balancer's name
	Domain customdomain.Props
	// WAFRateLimitPerIP puts an AWS WAF web ACL in front of the load
	// balancer that blocks (429) a client IP address over this many
	// requests in five minutes (at least 100; about $6/month plus $0.60 per
	// million requests).
	// default: 0 (no web ACL)
	WAFRateLimitPerIP int
	// Disposable lets the load balancer's log bucket be destroyed with the
	// stack (dev only).
	// default: false (retained)
	Disposable bool
}

// EC2Service is the deployed variant.
type EC2Service struct {
	constructs.Construct
	Group        awsautoscaling.AutoScalingGroup
	LoadBalancer *loadbalancer.LoadBalancer
	Alarms       []awscloudwatch.Alarm
}

// New deploys the variant.
func New(scope constructs.Construct, id string, props *Props) *EC2Service {
	if props == nil {
		props = &Props{}
	}
	check := propcheck.For("ec2service", id)
	check.Required(propcheck.P("Network", props.Network != nil), propcheck.P("Store", props.Store != nil), propcheck.P("Identity", props.Identity != nil))
	if v := props.Store.Vpc(); v != nil && *v.VpcId() != *props.Network.Vpc.VpcId() {
		check.Refuse("Network's VPC is not the store's: the instances must run in the database's VPC to reach it")
	}
	props.Domain.Check(check)
	minN := defaults.Int(props.Min, DefaultMin)
	maxN := max(defaults.Int(props.Max, DefaultMax), minN)
	if maxN < MinMax {
		check.Refuse("Max %d would leave no instance serving while an update replaces the only one; "+
			"set Max to %d or more: the rolling update launches each replacement first, within Max", maxN, MinMax)
	}
	c := constructs.NewConstruct(scope, &id)
	s := &EC2Service{Construct: c}
	obs := observability.OrNew(c, props.Observability)
	binary := assets.ServerBinary(c, "Binary", props.Store.Kind())

	role := awsiam.NewRole(c, jsii.String("InstanceRole"), &awsiam.RoleProps{
		AssumedBy:       awsiam.NewServicePrincipal(jsii.String("ec2.amazonaws.com"), nil),
		ManagedPolicies: &[]awsiam.IManagedPolicy{awsiam.ManagedPolicy_FromAwsManagedPolicyName(jsii.String("AmazonSSMManagedInstanceCore"))},
	})
	binary.GrantRead(role)
	compliance.EC2Instances(role)

	sg := awsec2.NewSecurityGroup(c, jsii.String("InstanceSg"), &awsec2.SecurityGroupProps{
		Vpc: props.Network.Vpc, Description: jsii.String("progress instances: the load balancer in; HTTPS and the store out"), AllowAllOutbound: jsii.Bool(true),
	})
	ud := userData(c, binary, props.Identity, props.Store.Connect(c, store.Compute{Role: role, SecurityGroup: sg}))

	itype := props.InstanceType
	if itype == "" {
		itype = DefaultInstanceType
	}
	lt := awsec2.NewLaunchTemplate(c, jsii.String("LaunchTemplate"), &awsec2.LaunchTemplateProps{
		MachineImage:             awsec2.MachineImage_LatestAmazonLinux2023(&awsec2.AmazonLinux2023ImageSsmParameterProps{CpuType: awsec2.AmazonLinuxCpuType_ARM_64}),
		InstanceType:             awsec2.NewInstanceType(jsii.String(itype)),
		RequireImdsv2:            jsii.Bool(true),
		HttpPutResponseHopLimit:  jsii.Number(1),
		Role:                     role,
		SecurityGroup:            sg,
		UserData:                 ud,
		DetailedMonitoring:       jsii.Bool(true),
		AssociatePublicIpAddress: jsii.Bool(props.Network.PublicIP),
		BlockDevices: &[]*awsec2.BlockDevice{{
			DeviceName: jsii.String("/dev/xvda"),
			Volume:     awsec2.BlockDeviceVolume_Ebs(jsii.Number(rootVolumeGiB), &awsec2.EbsDeviceOptions{Encrypted: jsii.Bool(true), VolumeType: awsec2.EbsDeviceVolumeType_GP3}),
		}},
	})
	s.Group = awsautoscaling.NewAutoScalingGroup(c, jsii.String("Group"), &awsautoscaling.AutoScalingGroupProps{
		Vpc:            props.Network.Vpc,
		VpcSubnets:     props.Network.ServiceSubnets,
		LaunchTemplate: lt,
		MinCapacity:    jsii.Number(float64(minN)),
		MaxCapacity:    jsii.Number(float64(maxN)),
		HealthChecks: awsautoscaling.HealthChecks_WithAdditionalChecks(&awsautoscaling.AdditionalHealthChecksOptions{
			AdditionalTypes: &[]awsautoscaling.AdditionalHealthCheckType{awsautoscaling.AdditionalHealthCheckType_ELB},
			GracePeriod:     awscdk.Duration_Minutes(jsii.Number(3)),
		}),
		Notifications: &[]*awsautoscaling.NotificationConfiguration{{Topic: obs.Topic}},
		// The first deployment waits for MinCapacity instances to answer
		// /readyz; every later change to the launch template (a new binary,
		// new settings) replaces the instances one at a time, each waiting
		// for its own signal, keeping the rest in service. A failure signal
		// or a timeout fails the update, and CloudFormation rolls back.
		Signals: awsautoscaling.Signals_WaitForMinCapacity(&awsautoscaling.SignalsOptions{Timeout: awscdk.Duration_Minutes(jsii.Number(SignalTimeoutMinutes))}),
		UpdatePolicy: awsautoscaling.UpdatePolicy_RollingUpdate(&awsautoscaling.RollingUpdateOptions{
			MaxBatchSize:          jsii.Number(1),
			MinInstancesInService: jsii.Number(float64(min(minN, maxN-1))),
			WaitOnResourceSignals: jsii.Bool(true),
			PauseTime:             awscdk.Duration_Minutes(jsii.Number(SignalTimeoutMinutes)),
		}),
	})
	compliance.AutoScalingGroup(s.Group)
	// The zones are implied by the subnets; naming them too lets AWS's
	// proactive control (CT.AUTOSCALING.PR.1) see that there are several.
	s.Group.Node().DefaultChild().(awsautoscaling.CfnAutoScalingGroup).SetAvailabilityZones(props.Network.Vpc.AvailabilityZones())
	signalWhenReady(ud, s.Group)

	s.LoadBalancer = loadbalancer.New(c, "LoadBalancer", &loadbalancer.Props{WAFRateLimitPerIP: props.WAFRateLimitPerIP, Vpc: props.Network.Vpc, Domain: props.Domain, Disposable: props.Disposable})
	tg := s.LoadBalancer.Listener.AddTargets(jsii.String("Instances"), &elbv2.AddApplicationTargetsProps{
		Port:                jsii.Number(settings.Port),
		Protocol:            elbv2.ApplicationProtocol_HTTP,
		Targets:             &[]elbv2.IApplicationLoadBalancerTarget{s.Group},
		HealthCheck:         loadbalancer.HealthCheck(),
		DeregistrationDelay: awscdk.Duration_Seconds(jsii.Number(loadbalancer.DeregistrationDelay)),
	})
	s.Group.ScaleOnCpuUtilization(jsii.String("Cpu"), &awsautoscaling.CpuUtilizationScalingProps{
		TargetUtilizationPercent: jsii.Number(float64(defaults.Int(props.CPUTargetPercent, DefaultCPUTarget))),
	})
	th := props.Alarms.WithDefaults()
	s.Alarms = obs.LoadBalancerAlarms(c, s.LoadBalancer.Alb, tg, th)
	if m, ok := props.Store.(store.Monitored); ok {
		s.Alarms = append(s.Alarms, m.Alarms(c, obs, th)...)
	}
	return s
}
