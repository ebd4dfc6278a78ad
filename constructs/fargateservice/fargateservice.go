// Package fargateservice deploys the progress server as an arm64 Fargate
// service behind the shared load balancer, on the DynamoDB table, running
// the FROM scratch image built from service/container/Dockerfile. A new
// version rolls out in place (Rolling) or through ECS's native blue/green
// with a pre-traffic probe (BlueGreen; see Props.Deployment).
package fargateservice

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapplicationautoscaling"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	elbv2 "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
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
	"github.com/progresskit/progresskit/service/container"
	"github.com/progresskit/progresskit/service/httpserver"
	"github.com/progresskit/progresskit/service/settings"
)

// Defaults a caller can override through Props.
const (
	DefaultCPU               = 256
	DefaultMemoryMiB         = 512
	DefaultMinTasks          = 1
	DefaultMaxTasks          = 4
	DefaultCPUTarget         = 60   // percent
	DefaultRequestsPerTask   = 1000 // per minute, per target
	DefaultMinHealthyPercent = 100
	DefaultBakeMinutes       = 5
)

// TestPort is the load balancer's test listener with BlueGreen: the same
// protocol and certificate as the production listener, routed to the new
// tasks during a deployment, and open to nobody but the probe hook.
const TestPort = 8443

const (
	stopTimeoutSeconds      = 30 // > the server's 25 s drain, ECS's maximum is 120
	healthCheckGraceSeconds = 30
)

// Props configure the variant. Store and Identity are required, and
// Network too when the store lives in a VPC.
type Props struct {
	// Store holds the progress: table.New's DynamoDB table (reached through
	// the network's gateway endpoint), or database.New's PostgreSQL, which
	// admits the tasks' security group alone.
	Store store.Store
	// Identity issues the tokens the API accepts (identity.New).
	Identity *identity.Identity
	// Observability receives the alarms and shows them on its dashboard.
	// default: a new topic without subscribers, and a dashboard
	Observability *observability.Observability
	// Network the service and its load balancer run in; with a store in a
	// VPC, the network of that VPC.
	// default: a new VPC without NAT (network.New); required with a store in a VPC
	Network *network.Network
	// Cluster runs the service; it must be in Network's VPC.
	// default: a new cluster with Container Insights
	Cluster awsecs.ICluster
	// Image of the server.
	// default: built at synthesis from the progresskit module (linux/arm64,
	// FROM scratch); deploying it needs docker or podman (CDK_DOCKER)
	Image awsecs.ContainerImage
	// CPU units of a task.
	// default: 256
	CPU int
	// MemoryMiB of a task; it must fit CPU.
	// default: 512
	MemoryMiB int
	// MinTasks running at all times.
	// default: 1
	MinTasks int
	// MaxTasks that scaling may add.
	// default: 4
	MaxTasks int
	// CPUTargetPercent is the average CPU that scaling holds.
	// default: 60
	CPUTargetPercent int
	// RequestsPerTask per minute that scaling holds. Rolling only: the
	// metric belongs to one target group, and BlueGreen moves traffic
	// between two, so BlueGreen scales on CPU alone.
	// default: 1000 with Rolling (conflicts with BlueGreen)
	RequestsPerTask int
	// MinHealthyPercent of MinTasks kept serving while a deployment
	// replaces tasks.
	// default: 100 (new tasks start before old ones stop)
	MinHealthyPercent int
	// Deployment is how a new task definition replaces the tasks. Rolling
	// starts new tasks beside the old ones and moves the load balancer to
	// each as it passes /readyz. BlueGreen starts a whole new (green) set
	// beside the old, routes the load balancer's test listener (TestPort)
	// to it, and runs the pre-traffic probe (service/cmd/probehook, a
	// Lambda function) through it; only if every smoke scenario passes does
	// production traffic move, all at once, and the old set stays for
	// BakeMinutes to move straight back to. Both roll back on the circuit
	// breaker and on the rollout alarms. BlueGreen needs Identity's Cognito
	// user pool, where the probe keeps two users that stay disabled between
	// deployments, and adds a probe app client, the function, a second
	// target group and the test listener.
	// default: Rolling (nothing added to a team's user pool unasked)
	Deployment Deployment
	// BakeMinutes that a BlueGreen deployment keeps the old tasks after
	// production traffic moved, rolling back at once if a rollout alarm
	// fires (1 to 1440).
	// default: 5 with BlueGreen (conflicts with Rolling)
	BakeMinutes int
	// Spot prefers FARGATE_SPOT (about 70% cheaper; tasks may be reclaimed
	// with two minutes' notice), keeping one on-demand task as a base.
	// default: false (on demand only)
	Spot bool
	// LogRetention of the container's logs.
	// default: one month
	LogRetention awslogs.RetentionDays
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
	// Disposable lets logs and the load balancer's log bucket be destroyed
	// with the stack (dev only); a new Network is disposable too.
	// default: false (retained)
	Disposable bool
}

// Deployment is how a new version replaces the tasks: Rolling or
// BlueGreen.
type Deployment string

const (
	Rolling   Deployment = "rolling"
	BlueGreen Deployment = "blue-green"
)

// Deployments lists the valid Deployment values.
func Deployments() []Deployment { return []Deployment{Rolling, BlueGreen} }

// FargateService is the deployed variant.
type FargateService struct {
	constructs.Construct
	Service      awsecs.FargateService
	LoadBalancer *loadbalancer.LoadBalancer
	// TargetGroup is the one the production listener forwards to; with
	// BlueGreen, AlternateTargetGroup is the other, which ECS swaps it
	// with on each deployment, and TestListener routes to the new tasks
	// while ProbeHook checks them.
	TargetGroup          elbv2.ApplicationTargetGroup
	AlternateTargetGroup elbv2.ApplicationTargetGroup
	TestListener         elbv2.ApplicationListener
	ProbeHook            awslambda.Function
	// Alarms page; RolloutAlarms roll a deployment back (ECS deployment
	// alarms). All are on the dashboard.
	Alarms        []awscloudwatch.Alarm
	RolloutAlarms []awscloudwatch.Alarm
}

// New deploys the variant.
func New(scope constructs.Construct, id string, props *Props) *FargateService {
	if props == nil {
		props = &Props{}
	}
	check := propcheck.For("fargateservice", id)
	check.Required(propcheck.P("Store", props.Store != nil), propcheck.P("Identity", props.Identity != nil))
	storeVpc := props.Store.Vpc()
	if storeVpc != nil {
		check.Needs(propcheck.P("Store in a VPC", true), propcheck.P("Network", props.Network != nil))
		if *props.Network.Vpc.VpcId() != *storeVpc.VpcId() {
			check.Refuse("Network's VPC is not the store's: the tasks must run in the database's VPC to reach it")
		}
	}
	props.Domain.Check(check)
	deployment := cmp.Or(props.Deployment, Rolling)
	if !slices.Contains(Deployments(), deployment) {
		check.Refuse("Deployment %q is not one of %s, %s", deployment, Rolling, BlueGreen)
	}
	blueGreen := deployment == BlueGreen
	check.Conflicts(propcheck.P("BakeMinutes", props.BakeMinutes != 0), propcheck.P("Deployment Rolling", !blueGreen))
	check.Conflicts(propcheck.P("RequestsPerTask", props.RequestsPerTask != 0), propcheck.P("Deployment BlueGreen", blueGreen))
	if blueGreen {
		if props.BakeMinutes < 0 || props.BakeMinutes > 1440 {
			check.Refuse("BakeMinutes %d is outside ECS's 1 to 1440", props.BakeMinutes)
		}
		if props.Identity.UserPool == nil {
			check.Refuse("Deployment BlueGreen signs its probe users in to Identity's Cognito user pool, and an existing issuer has none: use Rolling")
		}
		// The probe verifies the test listener's certificate, which is
		// for DomainName, not for the load balancer's own name.
		check.Needs(propcheck.P("Deployment BlueGreen with Domain.Certificate", props.Domain.Certificate != nil), propcheck.P("Domain.DomainName", props.Domain.DomainName != ""))
	}
	c := constructs.NewConstruct(scope, &id)
	f := &FargateService{Construct: c}
	removal := defaults.Removal(props.Disposable)
	retention := defaults.Retention(props.LogRetention)
	net := props.Network
	if net == nil {
		net = network.New(c, "Network", &network.Props{Disposable: props.Disposable, LogRetentionDays: retention})
	}
	obs := observability.OrNew(c, props.Observability)
	cluster := props.Cluster
	if cluster == nil {
		cluster = awsecs.NewCluster(c, jsii.String("Cluster"), &awsecs.ClusterProps{
			Vpc:                            net.Vpc,
			ContainerInsightsV2:            awsecs.ContainerInsights_ENABLED,
			EnableFargateCapacityProviders: jsii.Bool(true),
		})
	}
	image := props.Image
	if image == nil {
		image = assets.ContainerImage(c, props.Store.Kind())
	}

	audiences := props.Identity.Audiences
	var probeClient awscognito.UserPoolClient
	if blueGreen {
		probeClient = newProbeClient(c, props.Identity.UserPool)
		audiences = append(slices.Clone(audiences), probeClient.UserPoolClientId())
	}
	task := awsecs.NewFargateTaskDefinition(c, jsii.String("Task"), &awsecs.FargateTaskDefinitionProps{
		Cpu:            jsii.Number(float64(defaults.Int(props.CPU, DefaultCPU))),
		MemoryLimitMiB: jsii.Number(float64(defaults.Int(props.MemoryMiB, DefaultMemoryMiB))),
		RuntimePlatform: &awsecs.RuntimePlatform{
			CpuArchitecture:       awsecs.CpuArchitecture_ARM64(),
			OperatingSystemFamily: awsecs.OperatingSystemFamily_LINUX(),
		},
	})
	logs := awslogs.NewLogGroup(c, jsii.String("Logs"), &awslogs.LogGroupProps{Retention: retention, RemovalPolicy: removal})
	container := task.AddContainer(jsii.String("progress"), &awsecs.ContainerDefinitionOptions{
		Image:     image,
		Essential: jsii.Bool(true),
		// The image's own non-root user, stated here too so the task
		// definition shows it; and a hard memory limit equal to the task's.
		User:                   jsii.String(container.User),
		MemoryLimitMiB:         jsii.Number(float64(defaults.Int(props.MemoryMiB, DefaultMemoryMiB))),
		ReadonlyRootFilesystem: jsii.Bool(true),
		PortMappings:           &[]*awsecs.PortMapping{{ContainerPort: jsii.Number(settings.Port)}},
		StopTimeout:            awscdk.Duration_Seconds(jsii.Number(stopTimeoutSeconds)),
		Logging:                awsecs.LogDriver_AwsLogs(&awsecs.AwsLogDriverProps{LogGroup: logs, StreamPrefix: jsii.String("progress")}),
		Environment: &map[string]*string{
			settings.Addr.Env:         jsii.String(fmt.Sprintf("0.0.0.0:%d", settings.Port)),
			settings.Auth.Env:         jsii.String(settings.AuthJWKS),
			settings.JWKSURL.Env:      props.Identity.JwksURL(),
			settings.Issuer.Env:       props.Identity.Issuer,
			settings.Audience.Env:     awscdk.Fn_Join(jsii.String(","), &audiences),
			settings.DrainTimeout.Env: jsii.String(httpserver.DefaultDrainTimeout.String()),
		},
	})
	compliance.FargateTask(task)

	strategies := []*awsecs.CapacityProviderStrategy{{CapacityProvider: jsii.String("FARGATE"), Weight: jsii.Number(1)}}
	if props.Spot {
		strategies = []*awsecs.CapacityProviderStrategy{
			{CapacityProvider: jsii.String("FARGATE"), Base: jsii.Number(1), Weight: jsii.Number(1)},
			{CapacityProvider: jsii.String("FARGATE_SPOT"), Weight: jsii.Number(3)},
		}
	}
	minTasks := defaults.Int(props.MinTasks, DefaultMinTasks)
	serviceProps := &awsecs.FargateServiceProps{
		Cluster:                    cluster,
		TaskDefinition:             task,
		DesiredCount:               jsii.Number(float64(minTasks)),
		CircuitBreaker:             &awsecs.DeploymentCircuitBreaker{Enable: jsii.Bool(true), Rollback: jsii.Bool(true)},
		CapacityProviderStrategies: &strategies,
		AssignPublicIp:             jsii.Bool(net.PublicIP),
		VpcSubnets:                 net.ServiceSubnets,
		MinHealthyPercent:          jsii.Number(float64(defaults.Int(props.MinHealthyPercent, DefaultMinHealthyPercent))),
		MaxHealthyPercent:          jsii.Number(200),
		HealthCheckGracePeriod:     awscdk.Duration_Seconds(jsii.Number(healthCheckGraceSeconds)),
		EnableECSManagedTags:       jsii.Bool(true),
		PropagateTags:              awsecs.PropagatedTagSource_SERVICE,
	}
	if blueGreen {
		serviceProps.DeploymentStrategy = awsecs.DeploymentStrategy_BLUE_GREEN
		serviceProps.BakeTime = awscdk.Duration_Minutes(jsii.Number(float64(defaults.Int(props.BakeMinutes, DefaultBakeMinutes))))
	}
	f.Service = awsecs.NewFargateService(c, jsii.String("Service"), serviceProps)
	// The store admits the service's own security group, the one ECS made
	// for it (its logical id is the one every earlier release deployed:
	// a group of our own would replace it). The load balancer's listener
	// opens it to itself.
	sg := (*f.Service.Connections().SecurityGroups())[0]
	container.AddEnvironment(jsii.String(settings.Store.Env), props.Store.Connect(c, store.Compute{Role: task.TaskRole(), SecurityGroup: sg}))

	f.LoadBalancer = loadbalancer.New(c, "LoadBalancer", &loadbalancer.Props{WAFRateLimitPerIP: props.WAFRateLimitPerIP, Vpc: net.Vpc, Domain: props.Domain, Disposable: props.Disposable})
	if blueGreen {
		f.blueGreen(c, net.Vpc, props, probeClient, retention, removal)
	} else {
		f.TargetGroup = f.LoadBalancer.Listener.AddTargets(jsii.String("Service"), &elbv2.AddApplicationTargetsProps{
			Port:                jsii.Number(settings.Port),
			Protocol:            elbv2.ApplicationProtocol_HTTP,
			Targets:             &[]elbv2.IApplicationLoadBalancerTarget{f.Service},
			HealthCheck:         loadbalancer.HealthCheck(),
			DeregistrationDelay: awscdk.Duration_Seconds(jsii.Number(loadbalancer.DeregistrationDelay)),
		})
	}

	scaling := f.Service.AutoScaleTaskCount(&awsapplicationautoscaling.EnableScalingProps{
		MinCapacity: jsii.Number(float64(minTasks)),
		MaxCapacity: jsii.Number(float64(max(defaults.Int(props.MaxTasks, DefaultMaxTasks), minTasks))),
	})
	scaling.ScaleOnCpuUtilization(jsii.String("Cpu"), &awsecs.CpuUtilizationScalingProps{
		TargetUtilizationPercent: jsii.Number(float64(defaults.Int(props.CPUTargetPercent, DefaultCPUTarget))),
	})
	if !blueGreen {
		scaling.ScaleOnRequestCount(jsii.String("Requests"), &awsecs.RequestCountScalingProps{
			RequestsPerTarget: jsii.Number(float64(defaults.Int(props.RequestsPerTask, DefaultRequestsPerTask))), TargetGroup: f.TargetGroup,
		})
	}

	th := props.Alarms.WithDefaults()
	f.Alarms = obs.LoadBalancerAlarms(c, f.LoadBalancer.Alb, f.TargetGroup, th)
	if blueGreen {
		// Production is on either group, whichever the last deployment left
		// it on: each has its unhealthy-targets alarm.
		f.Alarms = append(f.Alarms, obs.Alarm(c, "UnhealthyAlternateTargets",
			fmt.Sprintf("%g or more targets of the alternate target group fail their %s health check", th.UnhealthyTargets, settings.ReadyPath),
			f.AlternateTargetGroup.Metrics().UnhealthyHostCount(&awscloudwatch.MetricOptions{Period: awscdk.Duration_Minutes(jsii.Number(1)), Statistic: jsii.String("Maximum")}),
			th.UnhealthyTargets))
	}
	f.Alarms = append(f.Alarms, obs.Alarm(c, "ServiceCpu", fmt.Sprintf("Service CPU stays at %g%% or more (scaling at its maximum?)", th.ComputeCPUPercent),
		f.Service.MetricCpuUtilization(&awscloudwatch.MetricOptions{Period: observability.PagePeriod()}), th.ComputeCPUPercent))
	if m, ok := props.Store.(store.Monitored); ok {
		f.Alarms = append(f.Alarms, m.Alarms(c, obs, th)...)
	}

	// A version that passes health checks but fails requests rolls back
	// too: the circuit breaker catches tasks that never get healthy, the
	// deployment alarms catch the rest (with BlueGreen, through the bake
	// time too).
	f.RolloutAlarms = obs.LoadBalancerRolloutAlarms(c, f.LoadBalancer.Alb, th)
	names := make([]*string, len(f.RolloutAlarms))
	for i, a := range f.RolloutAlarms {
		names[i] = a.AlarmName()
	}
	f.Service.EnableDeploymentAlarms(&names, &awsecs.DeploymentAlarmOptions{Behavior: awsecs.AlarmBehavior_ROLLBACK_ON_ALARM})
	return f
}
