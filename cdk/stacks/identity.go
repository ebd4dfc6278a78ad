package stacks

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/cdk/config"
	"github.com/progresskit/progresskit/constructs/identity"
)

// IdentityStackProps configure the identity stack.
type IdentityStackProps struct {
	awscdk.StackProps
	Settings config.Settings
}

// IdentityStack holds the user pool every architecture trusts.
type IdentityStack struct {
	awscdk.Stack
	Identity *identity.Identity
}

// NewIdentityStack creates the identity stack.
func NewIdentityStack(scope constructs.Construct, id string, props *IdentityStackProps) *IdentityStack {
	stack := awscdk.NewStack(scope, &id, &props.StackProps)
	idp := identity.New(stack, "Identity", &identity.Props{Disposable: !props.Settings.Production})
	awscdk.NewCfnOutput(stack, jsii.String("Issuer"), &awscdk.CfnOutputProps{Value: idp.Issuer})
	// Exported whichever compute is deployed (Fargate's blue/green probe
	// hook imports it; the others do not), so that switching compute
	// never removes an export a stack still imports.
	stack.ExportValue(idp.UserPool.UserPoolArn(), nil)
	return &IdentityStack{Stack: stack, Identity: idp}
}
