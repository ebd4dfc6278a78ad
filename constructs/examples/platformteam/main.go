// Command platformteam shows a platform team composing progresskit's
// constructs into its own stack: its existing VPC (with private subnets and
// NAT) and its existing Cognito user pool, a new progress table, and the
// Fargate variant. Run it with:
//
//	cdk synth --app 'go run ./constructs/examples/platformteam'
package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/compliance"
	"github.com/progresskit/progresskit/constructs/fargateservice"
	"github.com/progresskit/progresskit/constructs/identity"
	"github.com/progresskit/progresskit/constructs/network"
	"github.com/progresskit/progresskit/constructs/observability"
	"github.com/progresskit/progresskit/constructs/table"
)

// PlatformStackProps name the team's existing resources.
type PlatformStackProps struct {
	awscdk.StackProps
	VpcID             string
	AvailabilityZones []string
	PublicSubnetIDs   []string
	PrivateSubnetIDs  []string
	UserPoolID        string
	AlarmTopicEmail   string
}

// NewPlatformStack is the team's own stack with the progress service in it.
func NewPlatformStack(scope constructs.Construct, id string, props *PlatformStackProps) awscdk.Stack {
	stack := awscdk.NewStack(scope, &id, &props.StackProps)
	vpc := awsec2.Vpc_FromVpcAttributes(stack, jsii.String("TeamVpc"), &awsec2.VpcAttributes{
		VpcId:             jsii.String(props.VpcID),
		AvailabilityZones: jsii.Strings(props.AvailabilityZones...),
		PublicSubnetIds:   jsii.Strings(props.PublicSubnetIDs...),
		PrivateSubnetIds:  jsii.Strings(props.PrivateSubnetIDs...),
	})
	pool := awscognito.UserPool_FromUserPoolId(stack, jsii.String("TeamUserPool"), jsii.String(props.UserPoolID))

	idp := identity.New(stack, "Identity", &identity.Props{ExistingUserPool: pool})
	fargateservice.New(stack, "ProgressService", &fargateservice.Props{
		Store:         table.New(stack, "Progress", nil), // production-safe defaults
		Identity:      idp,
		Network:       network.New(stack, "Network", &network.Props{ExistingVpc: vpc}),
		Observability: observability.New(stack, "Alarms", &observability.Props{AlarmEmail: props.AlarmTopicEmail}),
		MinTasks:      2,
		MaxTasks:      6,
	})
	return stack
}

// ExampleProps are the made-up ids the example synthesizes with.
func ExampleProps() *PlatformStackProps {
	return &PlatformStackProps{
		StackProps:        awscdk.StackProps{Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("eu-west-2")}},
		VpcID:             "vpc-0123456789abcdef0",
		AvailabilityZones: []string{"eu-west-2a", "eu-west-2b"},
		PublicSubnetIDs:   []string{"subnet-0aaa0000000000001", "subnet-0aaa0000000000002"},
		PrivateSubnetIDs:  []string{"subnet-0bbb0000000000001", "subnet-0bbb0000000000002"},
		UserPoolID:        "eu-west-2_AbCdEfGhI",
		AlarmTopicEmail:   "platform-oncall@example.com",
	}
}

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	NewPlatformStack(app, "TeamLearningPlatform", ExampleProps())
	compliance.Check(app)
	app.Synth(nil)
}
