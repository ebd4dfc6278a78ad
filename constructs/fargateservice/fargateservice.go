// Package fargateservice deploys the progress server as an arm64 Fargate
// service behind the shared load balancer, on the DynamoDB table, running
// the FROM scratch image built from service/container/Dockerfile.
package fargateservice

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapplicationautoscaling"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscertificatemanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecrassets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	elbv2 "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/defaults"

	"github.com/progresskit/progresskit/constructs/assets"
	"github.com/progresskit/progresskit/constructs/compliance"
	"github.com/progresskit/progresskit/constructs/identity"
	"github.com/progresskit/progresskit/constructs/loadbalancer"
	"github.com/progresskit/progresskit/constructs/network"
	"github.com/progresskit/progresskit/constructs/observability"
	"github.com/progresskit/progresskit/constructs/table"
	"github.com/progresskit/progresskit/service/auth"
	"github.com/progresskit/progresskit/service/httpserver"
)

// Defaults a caller can override.
const (
	DefaultCPU              = 256
	DefaultMemoryMiB        = 512
	DefaultMinTasks         = 1
	DefaultMaxTasks         = 4
	DefaultCPUTarget        = 60   // percent
	DefaultRequestsPerTask  = 1000 // per minute, per target
	ContainerPort           = 8080
	stopTimeoutSeconds      = 30 // > the server's 25 s drain, ECS's maximum is 120
	healthCheckGraceSeconds = 30
)

// Props configure the variant. Table and Identity are required.
type Props struct {
	Table         awsdynamodb.ITable
	Identity      *identity.Identity
	Observability *observability.Observability
	Network       *network.Network // default: a new VPC without NAT
	Cluster       awsecs.ICluster  // default: a new cluster in the network's VPC
	Certificate   awscertificatemanager.ICertificate
	Image         awsecs.ContainerImage // default: the asset from make cdk-assets, arm64
	CPU           int
	MemoryMiB     int
	MinTasks      int
	MaxTasks      int
	// Spot prefers FARGATE_SPOT (about 70% cheaper; tasks may be reclaimed
	// with two minutes' notice), keeping one on-demand task as a base.
	Spot         bool
	LogRetention awslogs.RetentionDays
	Disposable   bool
}

// FargateService is the deployed variant.
type FargateService struct {
	constructs.Construct
	Service      awsecs.FargateService
	LoadBalancer *loadbalancer.LoadBalancer
	TargetGroup  elbv2.ApplicationTargetGroup
	Alarms       []awscloudwatch.Alarm
}

// New deploys the variant.
func New(scope constructs.Construct, id string, props *Props) *FargateService {
	if props == nil || props.Table == nil || props.Identity == nil {
		panic(fmt.Sprintf("fargateservice %s: Table and Identity are required", id))
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
		dir, err := assets.Path(assets.ServerDir, "Dockerfile")
		if err != nil {
			panic(err.Error())
		}
		image = awsecs.ContainerImage_FromAsset(&dir, &awsecs.AssetImageProps{Platform: awsecrassets.Platform_LINUX_ARM64()})
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
	task.AddContainer(jsii.String("progress"), &awsecs.ContainerDefinitionOptions{
		Image:                  image,
		Essential:              jsii.Bool(true),
		ReadonlyRootFilesystem: jsii.Bool(true),
		PortMappings:           &[]*awsecs.PortMapping{{ContainerPort: jsii.Number(ContainerPort)}},
		StopTimeout:            awscdk.Duration_Seconds(jsii.Number(stopTimeoutSeconds)),
		Logging:                awsecs.LogDriver_AwsLogs(&awsecs.AwsLogDriverProps{LogGroup: logs, StreamPrefix: jsii.String("progress")}),
		Environment: &map[string]*string{
			"PROGRESS_ADDR": jsii.String(fmt.Sprintf("0.0.0.0:%d", ContainerPort)),
			"PROGRESS_STORE": awscdk.Fn_Join(jsii.String(""), &[]*string{
				jsii.String("dynamodb://"), props.Table.TableName(), jsii.String("?region="), awscdk.Stack_Of(c).Region(),
			}),
			"PROGRESS_AUTH":          jsii.String(auth.ModeJWKS),
			"PROGRESS_JWKS_URL":      props.Identity.JwksURL(),
			"PROGRESS_ISSUER":        props.Identity.Issuer,
			"PROGRESS_AUDIENCE":      awscdk.Fn_Join(jsii.String(","), &props.Identity.Audiences),
			"PROGRESS_DRAIN_TIMEOUT": jsii.String(httpserver.DefaultDrainTimeout.String()),
		},
	})
	props.Table.Grant(task.TaskRole(), *jsii.Strings(table.ServiceActions...)...)
	compliance.FargateTask(task)

	strategies := []*awsecs.CapacityProviderStrategy{{CapacityProvider: jsii.String("FARGATE"), Weight: jsii.Number(1)}}
	if props.Spot {
		strategies = []*awsecs.CapacityProviderStrategy{
			{CapacityProvider: jsii.String("FARGATE"), Base: jsii.Number(1), Weight: jsii.Number(1)},
			{CapacityProvider: jsii.String("FARGATE_SPOT"), Weight: jsii.Number(3)},
		}
	}
	minTasks := defaults.Int(props.MinTasks, DefaultMinTasks)
	f.Service = awsecs.NewFargateService(c, jsii.String("Service"), &awsecs.FargateServiceProps{
		Cluster:                    cluster,
		TaskDefinition:             task,
		DesiredCount:               jsii.Number(float64(minTasks)),
		CircuitBreaker:             &awsecs.DeploymentCircuitBreaker{Enable: jsii.Bool(true), Rollback: jsii.Bool(true)},
		CapacityProviderStrategies: &strategies,
		AssignPublicIp:             jsii.Bool(net.PublicIP),
		VpcSubnets:                 net.ServiceSubnets,
		MinHealthyPercent:          jsii.Number(100),
		MaxHealthyPercent:          jsii.Number(200),
		HealthCheckGracePeriod:     awscdk.Duration_Seconds(jsii.Number(healthCheckGraceSeconds)),
		EnableECSManagedTags:       jsii.Bool(true),
		PropagateTags:              awsecs.PropagatedTagSource_SERVICE,
	})

	f.LoadBalancer = loadbalancer.New(c, "LoadBalancer", &loadbalancer.Props{Vpc: net.Vpc, Certificate: props.Certificate, Disposable: props.Disposable})
	f.TargetGroup = f.LoadBalancer.Listener.AddTargets(jsii.String("Service"), &elbv2.AddApplicationTargetsProps{
		Port:                jsii.Number(ContainerPort),
		Protocol:            elbv2.ApplicationProtocol_HTTP,
		Targets:             &[]elbv2.IApplicationLoadBalancerTarget{f.Service},
		HealthCheck:         loadbalancer.HealthCheck(),
		DeregistrationDelay: awscdk.Duration_Seconds(jsii.Number(loadbalancer.DeregistrationDelay)),
	})

	scaling := f.Service.AutoScaleTaskCount(&awsapplicationautoscaling.EnableScalingProps{
		MinCapacity: jsii.Number(float64(minTasks)),
		MaxCapacity: jsii.Number(float64(max(defaults.Int(props.MaxTasks, DefaultMaxTasks), minTasks))),
	})
	scaling.ScaleOnCpuUtilization(jsii.String("Cpu"), &awsecs.CpuUtilizationScalingProps{TargetUtilizationPercent: jsii.Number(DefaultCPUTarget)})
	scaling.ScaleOnRequestCount(jsii.String("Requests"), &awsecs.RequestCountScalingProps{
		RequestsPerTarget: jsii.Number(DefaultRequestsPerTask), TargetGroup: f.TargetGroup,
	})

	f.Alarms = obs.LoadBalancerAlarms(c, f.LoadBalancer.Alb, f.TargetGroup)
	f.Alarms = append(f.Alarms, obs.Alarm(c, "ServiceCpu", "Service CPU stays above 85% (scaling at its maximum?)",
		f.Service.MetricCpuUtilization(&awscloudwatch.MetricOptions{Period: awscdk.Duration_Minutes(jsii.Number(5))}), 85))
	return f
}
