// Command learningplatform is a platform team's own CDK app, in its own
// repository, that deploys a released progresskit from its go.mod: every
// compute on every store, in the environment-agnostic stacks 'cdk init'
// makes, with only the props each requires (this file), and again in the
// team's own VPC and user pool (owned.go).
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
	stack := func(name string) awscdk.Stack { return awscdk.NewStack(app, jsii.String(name), nil) }

	// DynamoDB: a regional service, reached from anywhere the role allows.
	st := stack("Progress-Lambda-DynamoDB")
	lambdaservice.New(st, "Progress", &lambdaservice.Props{
		Store: table.New(st, "Table", nil), Identity: identity.New(st, "Identity", nil),
	})
	st = stack("Progress-Fargate-DynamoDB")
	fargateservice.New(st, "Progress", &fargateservice.Props{
		Store: table.New(st, "Table", nil), Identity: identity.New(st, "Identity", nil),
	})
	st = stack("Progress-Ec2-DynamoDB")
	ec2service.New(st, "Progress", &ec2service.Props{
		Network: network.New(st, "Network", nil), Store: table.New(st, "Table", nil), Identity: identity.New(st, "Identity", nil),
	})

	// PostgreSQL: compute runs in the database's VPC, which admits it alone.
	st = stack("Progress-Lambda-Postgres")
	net := network.New(st, "Network", nil)
	lambdaservice.New(st, "Progress", &lambdaservice.Props{
		Store: database.New(st, "Database", &database.Props{Vpc: net.Vpc}), Identity: identity.New(st, "Identity", nil),
	})
	st = stack("Progress-Fargate-Postgres")
	net = network.New(st, "Network", nil)
	fargateservice.New(st, "Progress", &fargateservice.Props{
		Network: net, Store: database.New(st, "Database", &database.Props{Vpc: net.Vpc}), Identity: identity.New(st, "Identity", nil),
	})
	st = stack("Progress-Ec2-Postgres")
	net = network.New(st, "Network", nil)
	ec2service.New(st, "Progress", &ec2service.Props{
		Network: net, Store: database.New(st, "Database", &database.Props{Vpc: net.Vpc}), Identity: identity.New(st, "Identity", nil),
	})

	addOwnedStacks(app)
	app.Synth(nil)
}
