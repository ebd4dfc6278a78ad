package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/compliance"
	"github.com/progresskit/progresskit/constructs/internal/cdktest"
)

func TestMain(m *testing.M) { cdktest.Main(m) }

// The example deploys into the team's VPC and trusts its user pool: it
// creates neither, and passes cdk-nag like the app's own stacks.
func TestPlatformTeamStackUsesExistingVpcAndUserPool(t *testing.T) {
	app := awscdk.NewApp(nil)
	props := ExampleProps()
	stack := NewPlatformStack(app, "Team", props)
	compliance.Check(app)
	tpl := assertions.Template_FromStack(stack, nil)
	for _, typ := range []string{"AWS::EC2::VPC", "AWS::EC2::Subnet", "AWS::Cognito::UserPool", "AWS::EC2::NatGateway"} {
		if n := len(*tpl.FindResources(jsii.String(typ), nil)); n != 0 {
			t.Errorf("the example created %d %s; it should use the team's", n, typ)
		}
	}
	raw, _ := json.Marshal(tpl.ToJSON())
	doc := string(raw)
	for _, want := range append(props.PrivateSubnetIDs, props.UserPoolID) {
		if !strings.Contains(doc, want) {
			t.Errorf("template does not use %s", want)
		}
	}
	if n := len(*tpl.FindResources(jsii.String("AWS::Cognito::UserPoolClient"), nil)); n != 2 {
		t.Errorf("%d app clients added to the team's pool, want 2", n)
	}
	msgs := assertions.Annotations_FromStack(stack).FindError(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-.*")))
	for _, m := range *msgs {
		t.Errorf("cdk-nag: %s %v", *m.Id, m.Entry.Data)
	}
}
