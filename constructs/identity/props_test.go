package identity_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/identity"
	"github.com/progresskit/progresskit/constructs/internal/cdktest"
)

func TestConflictingPropsPanicNamingBoth(t *testing.T) {
	stack := cdktest.Stack()
	pool := awscognito.UserPool_FromUserPoolId(stack, jsii.String("Pool"), jsii.String("eu-west-2_AbCdEfGhI"))
	issuer := jsii.String("https://issuer.example.com")
	for _, tc := range []struct {
		props *identity.Props
		names []string
	}{
		{&identity.Props{ExistingIssuer: issuer, ExistingAudiences: *jsii.Strings("a"), ExistingUserPool: pool}, []string{"ExistingIssuer", "ExistingUserPool"}},
		{&identity.Props{ExistingUserPool: pool, Disposable: true}, []string{"ExistingUserPool", "Disposable"}},
		{&identity.Props{ExistingIssuer: issuer, ExistingAudiences: *jsii.Strings("a"), CallbackURLs: *jsii.Strings("https://x")}, []string{"ExistingIssuer", "CallbackURLs"}},
		{&identity.Props{ExistingIssuer: issuer}, []string{"ExistingIssuer", "ExistingAudiences"}},
		{&identity.Props{ExistingAudiences: *jsii.Strings("a")}, []string{"ExistingAudiences", "ExistingIssuer"}},
	} {
		msg := cdktest.Panic(func() { identity.New(stack, "I", tc.props) })
		for _, n := range tc.names {
			if !strings.Contains(msg, n) {
				t.Errorf("%v: panic %q does not name %s", tc.names, msg, n)
			}
		}
	}
}

func TestDisposablePoolIsDestroyedWithItsStack(t *testing.T) {
	stack := cdktest.Stack()
	identity.New(stack, "Identity", &identity.Props{Disposable: true})
	pool := cdktest.Only(stack, "AWS::Cognito::UserPool")
	if pool.DeletionPolicy != "Delete" || pool.Properties["DeletionProtection"] != "INACTIVE" {
		t.Errorf("disposable pool: %q %v", pool.DeletionPolicy, pool.Properties["DeletionProtection"])
	}
}
