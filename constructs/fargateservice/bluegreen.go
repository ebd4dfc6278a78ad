package fargateservice

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	elbv2 "github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/compliance"
	"github.com/progresskit/progresskit/constructs/internal/probehook"
	"github.com/progresskit/progresskit/constructs/loadbalancer"
	"github.com/progresskit/progresskit/service/cmd/probehook/hookenv"
	"github.com/progresskit/progresskit/service/settings"
)

// ProbeUserActions are all the hook may do in the user pool: ready its two
// probe users, sign them in, and sign them out and disable them again.
// Cognito has no condition key for a username, so the grant is on the
// pool; the hook's code names only its own users, and only ECS (through
// ProbeHookInvokeRole) may invoke it.
var ProbeUserActions = []string{
	"cognito-idp:AdminCreateUser", "cognito-idp:AdminEnableUser", "cognito-idp:AdminAddUserToGroup",
	"cognito-idp:AdminSetUserPassword", "cognito-idp:AdminInitiateAuth",
	"cognito-idp:AdminUserGlobalSignOut", "cognito-idp:AdminDisableUser",
}

// ProbeIngressActions let the hook admit its own address to the test
// listener while it probes, on the load balancer's security group alone.
var ProbeIngressActions = []string{"ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"}

// newProbeClient is the app client the probe users sign in through. Its
// only flow is ADMIN_USER_PASSWORD_AUTH, which needs IAM permission on the
// pool (the hook's role), so accepting its tokens lets no one new sign in:
// there is no hosted UI, no OAuth, no SRP or password flow a browser could
// use. Its tokens live five minutes, Cognito's shortest.
func newProbeClient(scope constructs.Construct, pool awscognito.IUserPool) awscognito.UserPoolClient {
	five := awscdk.Duration_Minutes(jsii.Number(5))
	return awscognito.NewUserPoolClient(scope, jsii.String("ProbeClient"), &awscognito.UserPoolClientProps{
		UserPool:                   pool,
		AuthFlows:                  &awscognito.AuthFlow{AdminUserPassword: jsii.Bool(true)},
		DisableOAuth:               jsii.Bool(true),
		GenerateSecret:             jsii.Bool(false),
		PreventUserExistenceErrors: jsii.Bool(true),
		EnableTokenRevocation:      jsii.Bool(true),
		AccessTokenValidity:        five,
		IdTokenValidity:            five,
		RefreshTokenValidity:       awscdk.Duration_Minutes(jsii.Number(60)),
	})
}

// blueGreen adds what ECS's native blue/green needs: two target groups,
// a production listener rule and a test listener with its rule (ECS moves
// both rules' weights between the groups), and the pre-traffic probe hook.
func (f *FargateService) blueGreen(c constructs.Construct, vpc awsec2.IVpc, props *Props, probeClient awscognito.UserPoolClient, retention awslogs.RetentionDays, removal awscdk.RemovalPolicy) {
	lb := f.LoadBalancer
	group := func(scope constructs.Construct, id string) elbv2.ApplicationTargetGroup {
		return elbv2.NewApplicationTargetGroup(scope, jsii.String(id), &elbv2.ApplicationTargetGroupProps{
			Vpc:                 vpc,
			Port:                jsii.Number(settings.Port),
			Protocol:            elbv2.ApplicationProtocol_HTTP,
			TargetType:          elbv2.TargetType_IP,
			HealthCheck:         loadbalancer.HealthCheck(),
			DeregistrationDelay: awscdk.Duration_Seconds(jsii.Number(loadbalancer.DeregistrationDelay)),
		})
	}
	// The rolling service's group, at its path, so a service switched from
	// Rolling keeps its group and its registered tasks.
	f.TargetGroup = group(lb.Listener, "ServiceGroup")
	f.AlternateTargetGroup = group(c, "AlternateGroup")
	forward := func() elbv2.ListenerAction {
		return elbv2.ListenerAction_WeightedForward(&[]*elbv2.WeightedTargetGroup{
			{TargetGroup: f.TargetGroup, Weight: jsii.Number(100)},
			{TargetGroup: f.AlternateTargetGroup, Weight: jsii.Number(0)},
		}, nil)
	}
	// ECS moves traffic by rewriting a rule's weights, and refuses
	// listeners that mix forward with other actions: every action here
	// forwards, and the rule matches every path.
	everything := &[]elbv2.ListenerCondition{elbv2.ListenerCondition_PathPatterns(jsii.Strings("/*"))}
	lb.Listener.AddAction(jsii.String("Default"), &elbv2.AddApplicationActionProps{Action: forward()})
	production := elbv2.NewApplicationListenerRule(c, jsii.String("ProductionRule"), &elbv2.ApplicationListenerRuleProps{
		Listener: lb.Listener, Priority: jsii.Number(1), Conditions: everything, Action: forward(),
	})
	testProps := &elbv2.BaseApplicationListenerProps{
		Port: jsii.Number(TestPort), Protocol: elbv2.ApplicationProtocol_HTTP,
		// No ingress rule: the hook admits its own address while it
		// probes; nobody else ever reaches the new tasks early.
		Open:          jsii.Bool(false),
		DefaultAction: forward(),
	}
	if lb.HTTPS {
		testProps.Protocol = elbv2.ApplicationProtocol_HTTPS
		testProps.Certificates = &[]elbv2.IListenerCertificate{elbv2.ListenerCertificate_FromCertificateManager(props.Domain.Certificate)}
		testProps.SslPolicy = elbv2.SslPolicy_RECOMMENDED_TLS
	}
	f.TestListener = lb.Alb.AddListener(jsii.String("Test"), testProps)
	test := elbv2.NewApplicationListenerRule(c, jsii.String("TestRule"), &elbv2.ApplicationListenerRuleProps{
		Listener: f.TestListener, Priority: jsii.Number(1), Conditions: everything, Action: forward(),
	})

	// ECS's role for editing the two rules and registering tasks in either
	// group.
	lbRole := awsiam.NewRole(c, jsii.String("BlueGreenRole"), &awsiam.RoleProps{
		AssumedBy:       awsiam.NewServicePrincipal(jsii.String("ecs.amazonaws.com"), nil),
		ManagedPolicies: &[]awsiam.IManagedPolicy{awsiam.ManagedPolicy_FromAwsManagedPolicyName(jsii.String("AmazonECSInfrastructureRolePolicyForLoadBalancers"))},
		Description:     jsii.String("ECS moves progress traffic between the blue and green target groups"),
	})
	compliance.ECSBlueGreenRole(lbRole)
	f.Service.LoadBalancerTarget(&awsecs.LoadBalancerTargetOptions{
		ContainerName: jsii.String("progress"), ContainerPort: jsii.Number(settings.Port),
		AlternateTarget: awsecs.NewAlternateTarget(jsii.String("AlternateTarget"), &awsecs.AlternateTargetProps{
			AlternateTargetGroup: f.AlternateTargetGroup,
			ProductionListener:   awsecs.ListenerRuleConfiguration_ApplicationListenerRule(production),
			TestListener:         awsecs.ListenerRuleConfiguration_ApplicationListenerRule(test),
			Role:                 lbRole,
		}),
	}).AttachToApplicationTargetGroup(f.TargetGroup)

	f.ProbeHook = f.probeHook(c, props, probeClient, retention, removal)
	invoke := awsiam.NewRole(c, jsii.String("ProbeHookInvokeRole"), &awsiam.RoleProps{
		AssumedBy:   awsiam.NewServicePrincipal(jsii.String("ecs.amazonaws.com"), nil),
		Description: jsii.String("ECS invokes the progress pre-traffic probe"),
	})
	invoke.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions: jsii.Strings("lambda:InvokeFunction"), Resources: &[]*string{f.ProbeHook.FunctionArn()},
	}))
	f.Service.AddLifecycleHook(awsecs.NewDeploymentLifecycleLambdaTarget(f.ProbeHook, jsii.String("ProbeHook"), &awsecs.DeploymentLifecycleLambdaTargetProps{
		// Green serves all test traffic and no production traffic yet.
		LifecycleStages: &[]awsecs.DeploymentLifecycleStage{awsecs.DeploymentLifecycleStage_POST_TEST_TRAFFIC_SHIFT},
		Role:            invoke,
	}))
}

// probeHook is the function ECS runs before production traffic moves.
// It runs outside the VPC: the VPC has no NAT gateway, so from inside it
// could reach neither the internet-facing load balancer nor Cognito.
func (f *FargateService) probeHook(c constructs.Construct, props *Props, probeClient awscognito.UserPoolClient, retention awslogs.RetentionDays, removal awscdk.RemovalPolicy) awslambda.Function {
	pool := props.Identity.UserPool
	lb := f.LoadBalancer
	// The balancer's own name, which resolves from the first deployment
	// on; over HTTPS the probe verifies the certificate as DomainName's,
	// whether or not DNS points that name here yet.
	scheme := "http://"
	env := map[string]*string{}
	if lb.HTTPS {
		scheme = "https://"
		env[hookenv.TLSServerName] = jsii.String(props.Domain.DomainName)
	}
	env[hookenv.URL] = awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String(scheme), lb.Alb.LoadBalancerDnsName(), jsii.String(fmt.Sprintf(":%d", TestPort))})
	sg := (*lb.Alb.Connections().SecurityGroups())[0]
	env[hookenv.UserPoolID] = pool.UserPoolId()
	env[hookenv.ClientID] = probeClient.UserPoolClientId()
	env[hookenv.SecurityGroupID] = sg.SecurityGroupId()
	fn := probehook.New(c, "progresskit blue/green pre-traffic probe: the smoke scenarios against the test listener", env, retention, removal)
	fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions: jsii.Strings(ProbeUserActions...), Resources: &[]*string{pool.UserPoolArn()},
	}))
	fn.AddToRolePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions: jsii.Strings(ProbeIngressActions...),
		Resources: &[]*string{awscdk.Stack_Of(c).FormatArn(&awscdk.ArnComponents{
			Service: jsii.String("ec2"), Resource: jsii.String("security-group"), ResourceName: sg.SecurityGroupId(),
		})},
	}))
	return fn
}
