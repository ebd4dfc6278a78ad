// Command learningplatform is a platform team's own CDK app, in its own
// repository, that deploys progresskit from its go.mod: each variant with
// only the props it requires (this file), and again in the team's own VPC
// and user pool (owned.go).
package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/database"
	"github.com/progresskit/progresskit/constructs/ec2service"
	"github.com/progresskit/progresskit/constructs/fargateservice"
	"github.com/progresskit/progresskit/constructs/identity"
	"github.com/progresskit/progresskit/constructs/lambdaservice"
	"github.com/progresskit/progresskit/constructs/network"
	"github.com/progresskit/progresskit/constructs/table"
)

func main() {
	defer jsii.Close()
	app := awscdk.NewApp(nil)
	// The load balancer's access logs need the region at synthesis.
	env := &awscdk.StackProps{Env: &awscdk.Environment{Region: jsii.String("eu-west-2")}}

	lambda := awscdk.NewStack(app, jsii.String("Progress-Lambda"), env)
	lambdaservice.New(lambda, "Progress", &lambdaservice.Props{
		Table:    table.New(lambda, "Table", nil).Table,
		Identity: identity.New(lambda, "Identity", nil),
	})

	fargate := awscdk.NewStack(app, jsii.String("Progress-Fargate"), env)
	fargateservice.New(fargate, "Progress", &fargateservice.Props{
		Table:    table.New(fargate, "Table", nil).Table,
		Identity: identity.New(fargate, "Identity", nil),
	})

	ec2 := awscdk.NewStack(app, jsii.String("Progress-Ec2"), env)
	net := network.New(ec2, "Network", nil)
	ec2service.New(ec2, "Progress", &ec2service.Props{
		Network:  net,
		Database: database.New(ec2, "Database", &database.Props{Vpc: net.Vpc}).Instance,
		Identity: identity.New(ec2, "Identity", nil),
	})

	addOwnedStacks(app)
	app.Synth(nil)
}
