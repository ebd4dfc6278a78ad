package main

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/database"
	"github.com/progresskit/progresskit/constructs/ec2service"
	"github.com/progresskit/progresskit/constructs/fargateservice"
	"github.com/progresskit/progresskit/constructs/identity"
	"github.com/progresskit/progresskit/constructs/lambdaservice"
	"github.com/progresskit/progresskit/constructs/network"
	"github.com/progresskit/progresskit/constructs/table"
)

// The team's existing resources (made-up ids).
const (
	account    = "123456789012"
	region     = "eu-west-2"
	vpcID      = "vpc-0123456789abcdef0"
	userPoolID = "eu-west-2_AbCdEfGhI"
)

// addOwnedStacks deploys each variant into the team's own VPC (private
// subnets behind its NAT) and trusts its own user pool.
func addOwnedStacks(app awscdk.App) {
	env := &awscdk.StackProps{Env: &awscdk.Environment{Account: jsii.String(account), Region: jsii.String(region)}}
	teamVpc := func(stack awscdk.Stack) *network.Network {
		vpc := awsec2.Vpc_FromVpcAttributes(stack, jsii.String("TeamVpc"), &awsec2.VpcAttributes{
			VpcId:             jsii.String(vpcID),
			AvailabilityZones: jsii.Strings(region+"a", region+"b"),
			PublicSubnetIds:   jsii.Strings("subnet-0aaa0000000000001", "subnet-0aaa0000000000002"),
			PrivateSubnetIds:  jsii.Strings("subnet-0bbb0000000000001", "subnet-0bbb0000000000002"),
			IsolatedSubnetIds: jsii.Strings("subnet-0ccc0000000000001", "subnet-0ccc0000000000002"),
		})
		return network.New(stack, "Network", &network.Props{ExistingVpc: vpc})
	}
	teamPool := func(stack awscdk.Stack) *identity.Identity {
		pool := awscognito.UserPool_FromUserPoolId(stack, jsii.String("TeamUserPool"), jsii.String(userPoolID))
		return identity.New(stack, "Identity", &identity.Props{ExistingUserPool: pool})
	}

	lambda := awscdk.NewStack(app, jsii.String("Team-Lambda"), env)
	lambdaservice.New(lambda, "Progress", &lambdaservice.Props{Store: table.New(lambda, "Table", nil), Identity: teamPool(lambda)})

	fargate := awscdk.NewStack(app, jsii.String("Team-Fargate"), env)
	fargateservice.New(fargate, "Progress", &fargateservice.Props{
		Store: table.New(fargate, "Table", nil), Identity: teamPool(fargate), Network: teamVpc(fargate),
	})

	ec2 := awscdk.NewStack(app, jsii.String("Team-Ec2"), env)
	net := teamVpc(ec2)
	ec2service.New(ec2, "Progress", &ec2service.Props{
		Network:  net,
		Store:    database.New(ec2, "Database", &database.Props{Vpc: net.Vpc}),
		Identity: teamPool(ec2),
	})
}
