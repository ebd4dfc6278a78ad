// Package compliance applies the cdk-nag AwsSolutions checks and holds every
// suppression the project makes, each with the reason a security reviewer
// would be given. Nothing else in the repository suppresses a rule.
package compliance

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// Check adds the AwsSolutions pack to scope (an app or a stack).
func Check(scope constructs.IConstruct) {
	awscdk.Aspects_Of(scope).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)
}

// Suppression is one accepted finding.
type Suppression struct {
	Rule      string
	Reason    string
	AppliesTo []string // finding details (e.g. a managed policy) it covers; empty: all
}

func add(scope constructs.IConstruct, list []Suppression) {
	nag := make([]*cdknag.NagPackSuppression, 0, len(list))
	for _, s := range list {
		ns := &cdknag.NagPackSuppression{Id: jsii.String(s.Rule), Reason: jsii.String(s.Reason)}
		if len(s.AppliesTo) > 0 {
			applies := make([]interface{}, len(s.AppliesTo))
			for i, a := range s.AppliesTo {
				// "/.../" is a pattern, as cdk-nag's RegexAppliesTo takes it.
				if len(a) > 1 && a[0] == '/' && a[len(a)-1] == '/' {
					applies[i] = map[string]any{"regex": a}
				} else {
					applies[i] = a
				}
			}
			ns.AppliesTo = &applies
		}
		nag = append(nag, ns)
	}
	cdknag.NagSuppressions_AddResourceSuppressions(scope, &nag, jsii.Bool(true))
}

// UserPool: learners sign in to a learning platform; forcing MFA on every
// learner is a product decision the platform team makes, so MFA is offered
// (TOTP) rather than required, and threat protection is a paid feature plan.
func UserPool(pool constructs.IConstruct) {
	add(pool, []Suppression{
		{Rule: "AwsSolutions-COG2", Reason: "MFA is OPTIONAL with TOTP: learners may enrol; requiring it is the platform team's choice (set Mfa on an ExistingUserPool to require it)."},
		{Rule: "AwsSolutions-COG3", Reason: threatProtectionReason},
		{Rule: "AwsSolutions-COG8", Reason: threatProtectionReason},
	})
}

const threatProtectionReason = "Threat protection (advanced security) needs the Cognito Plus feature plan, billed per monthly active user; self sign-up is off and passwords need 12+ characters of every class. Teams that want it pass an ExistingUserPool on the Plus plan."

// LambdaFunction: the CDK attaches AWSLambdaBasicExecutionRole (CloudWatch
// Logs writes only) and X-Ray tracing needs resource "*".
func LambdaFunction(fn constructs.IConstruct) {
	add(fn, []Suppression{
		{Rule: "AwsSolutions-IAM4", Reason: "AWSLambdaBasicExecutionRole only allows writing the function's own CloudWatch logs.",
			AppliesTo: []string{"Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}},
		{Rule: "AwsSolutions-IAM4", Reason: "AWSLambdaVPCAccessExecutionRole, on a function in a database's VPC, lets Lambda manage the function's network interfaces; EC2's network-interface actions do not support resource-level permissions.",
			AppliesTo: []string{"Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"}},
		{Rule: "AwsSolutions-IAM5", Reason: "X-Ray PutTraceSegments and PutTelemetryRecords do not support resource-level permissions; AWS documents Resource \"*\" for them.",
			AppliesTo: []string{"Resource::*"}},
	})
}

// PublicRoutes: the health and readiness routes are deliberately public so
// that uptime checks need no token; they return no learner data.
func PublicRoutes(route constructs.IConstruct) {
	add(route, []Suppression{
		{Rule: "AwsSolutions-APIG4", Reason: "GET /healthz and /readyz are public by design for uptime checks; they return only {\"status\":...} and no learner data."},
	})
}

// LogBucket: the bucket that receives ALB access logs does not log its own
// access (that would need yet another bucket, recursively).
func LogBucket(bucket constructs.IConstruct) {
	add(bucket, []Suppression{
		{Rule: "AwsSolutions-S1", Reason: "This bucket is the access-log destination of the load balancer; logging its own access would need another log bucket without end."},
	})
}

// PublicLoadBalancer: the API is public; its load balancer must accept the
// internet on its listener ports (targets accept only the load balancer).
func PublicLoadBalancer(alb constructs.IConstruct) {
	add(alb, []Suppression{
		{Rule: "AwsSolutions-EC23", Reason: "The progress API is a public API for web and mobile clients; the load balancer accepts 0.0.0.0/0 on its listener ports only, and every /v1 request needs a valid JWT."},
	})
}

// FargateTask: the execution role's ECR pull permission needs resource "*"
// for GetAuthorizationToken, and the server's configuration is not secret
// (the table name and the issuer's public URLs), so plain environment
// variables are right.
func FargateTask(task constructs.IConstruct) {
	add(task, []Suppression{
		{Rule: "AwsSolutions-ECS2", Reason: "The environment holds only non-secret settings: table name, region, the issuer's public JWKS URL and the app client ids."},
		{Rule: "AwsSolutions-IAM5", Reason: "ecr:GetAuthorizationToken supports only Resource \"*\"; every other action is scoped to the image repository and the log group.",
			AppliesTo: []string{"Resource::*"}},
	})
}

// Database: the progress database's accepted findings.
func Database(db constructs.IConstruct, singleAZ, disposable bool) {
	list := []Suppression{
		{Rule: "AwsSolutions-RDS11", Reason: "The database is in isolated subnets and its security group admits only the service instances; a non-default port adds no protection there and breaks tooling defaults."},
		{Rule: "AwsSolutions-IAM4", Reason: "Enhanced monitoring's role uses AmazonRDSEnhancedMonitoringRole, the AWS-maintained policy that lets RDS write OS metrics to CloudWatch Logs.",
			AppliesTo: []string{"Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"}},
		{Rule: "AwsSolutions-SMG4", Reason: "Rotation needs a rotation Lambda that can reach both the database and Secrets Manager from isolated subnets (an interface endpoint, about $7/month per AZ); the secret is readable only by the instance role. Enable it with addRotationSingleUser when that cost is accepted."},
	}
	if singleAZ {
		list = append(list, Suppression{Rule: "AwsSolutions-RDS3", Reason: "SingleAZ was asked for (development environments) to halve the database cost; the default is Multi-AZ."})
	}
	if disposable {
		list = append(list, Suppression{Rule: "AwsSolutions-RDS10", Reason: "Disposable was asked for (development environments); the default has deletion protection."})
	}
	add(db, list)
}

// EC2Instances: SSM Session Manager replaces SSH, and its managed policy is
// the documented way to grant it.
func EC2Instances(role constructs.IConstruct) {
	add(role, []Suppression{
		{Rule: "AwsSolutions-IAM4", Reason: "AmazonSSMManagedInstanceCore is the AWS-maintained policy for Session Manager access, which replaces SSH (no port 22, no key pair).",
			AppliesTo: []string{"Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore"}},
		{Rule: "AwsSolutions-IAM5", Reason: "The asset grant reads objects under the CDK asset prefix (s3:GetObject* and s3:List* on the staging bucket); the CDK generates these wildcards.",
			AppliesTo: []string{"Action::s3:GetObject*", "Action::s3:GetBucket*", "Action::s3:List*", `/^Resource::arn:<AWS::Partition>:s3:::cdk-[a-z0-9]+-assets-<AWS::AccountId>-[a-z0-9-<>:]+\/\*$/`}},
	})
}

// AutoScalingGroup: instances are disposable cattle behind the ALB.
func AutoScalingGroup(group constructs.IConstruct) {
	add(group, []Suppression{
		{Rule: "AwsSolutions-EC29", Reason: "Instances in an Auto Scaling group are replaced, not protected; the group keeps the desired count and state lives in RDS."},
		{Rule: "AwsSolutions-AS3", Reason: "Scaling events notify the alarm topic (Notifications); nag cannot see a topic passed by reference."},
	})
}

// CodeDeployRole: the role CodeDeploy uses to shift a Lambda alias.
func CodeDeployRole(role constructs.IConstruct) {
	add(role, []Suppression{
		{Rule: "AwsSolutions-IAM4", Reason: "AWSCodeDeployRoleForLambdaLimited is the AWS-maintained least-privilege policy for Lambda deployments (read alarms, update aliases, invoke hooks).",
			AppliesTo: []string{"Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited"}},
		{Rule: "AwsSolutions-IAM5", Reason: "CodeDeploy invokes the pre-traffic probe hook; the CDK grants its role lambda:InvokeFunction on that one function's versions (its ARN, then :*), no other function.",
			AppliesTo: []string{`/^Resource::<[A-Za-z0-9]*ProbeHook[A-Za-z0-9]*\.Arn>:\*$/`}},
	})
}

// ECSBlueGreenRole: the role ECS uses in a native blue/green deployment
// to move traffic between the target groups.
func ECSBlueGreenRole(role constructs.IConstruct) {
	add(role, []Suppression{
		{Rule: "AwsSolutions-IAM4", Reason: "AmazonECSInfrastructureRolePolicyForLoadBalancers is the AWS-maintained policy ECS blue/green deployments use to modify the listener rules and register targets in either target group; ECS documents it for this role.",
			AppliesTo: []string{"Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"}},
	})
}
