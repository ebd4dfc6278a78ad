// Package identity is who may call the progress API: a Cognito user pool
// with web and mobile app clients and a progress-admin group, or an existing
// OIDC issuer and audience.
package identity

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/internal/defaults"
	"github.com/progresskit/progresskit/constructs/internal/propcheck"
	"github.com/progresskit/progresskit/service/settings"

	"github.com/progresskit/progresskit/constructs/compliance"
)

// Props configure the identity. Give ExistingIssuer and ExistingAudiences
// to trust another identity provider, ExistingUserPool to add clients to a
// pool you own, or nothing to create a pool with secure defaults.
type Props struct {
	// ExistingIssuer is another OIDC issuer to trust (its JWKS is at
	// <issuer>/.well-known/jwks.json); it needs ExistingAudiences and
	// conflicts with everything that configures a Cognito pool.
	// default: a Cognito user pool
	ExistingIssuer *string
	// ExistingAudiences are the client ids tokens of ExistingIssuer are
	// issued to.
	// default: none (required with ExistingIssuer)
	ExistingAudiences []*string
	// ExistingUserPool gets the app clients and the admin group instead of
	// a new pool.
	// default: a new pool (no self sign-up, 12-character passwords, TOTP MFA)
	ExistingUserPool awscognito.IUserPool
	// Disposable lets a new pool be destroyed with its stack (dev only).
	// default: false (retained, deletion-protected)
	Disposable bool
	// CallbackURLs of the web client's OAuth code flow.
	// default: http://localhost:3000/callback
	CallbackURLs []*string
}

// Identity exposes what the compute variants need to verify tokens.
type Identity struct {
	constructs.Construct
	Issuer    *string
	Audiences []*string
	UserPool  awscognito.IUserPool // nil with an existing issuer
}

// JwksURL is where the issuer publishes its keys (OIDC convention).
func (i *Identity) JwksURL() *string {
	return awscdk.Fn_Join(jsii.String(""), &[]*string{i.Issuer, jsii.String("/.well-known/jwks.json")})
}

// New creates or wraps the identity provider.
func New(scope constructs.Construct, id string, props *Props) *Identity {
	if props == nil {
		props = &Props{}
	}
	check := propcheck.For("identity", id)
	issuer := propcheck.P("ExistingIssuer", props.ExistingIssuer != nil)
	audiences := propcheck.P("ExistingAudiences", len(props.ExistingAudiences) > 0)
	existingPool := propcheck.P("ExistingUserPool", props.ExistingUserPool != nil)
	disposable := propcheck.P("Disposable", props.Disposable)
	check.Conflicts(issuer, existingPool, disposable, propcheck.P("CallbackURLs", len(props.CallbackURLs) > 0))
	check.Conflicts(existingPool, disposable)
	check.Needs(issuer, audiences)
	check.Needs(audiences, issuer)
	c := constructs.NewConstruct(scope, &id)
	i := &Identity{Construct: c}
	if props.ExistingIssuer != nil {
		i.Issuer, i.Audiences = props.ExistingIssuer, props.ExistingAudiences
		return i
	}
	pool := props.ExistingUserPool
	if pool == nil {
		removal, protect := defaults.Removal(props.Disposable), !props.Disposable
		pool = awscognito.NewUserPool(c, jsii.String("UserPool"), &awscognito.UserPoolProps{
			SelfSignUpEnabled: jsii.Bool(false),
			SignInAliases:     &awscognito.SignInAliases{Email: jsii.Bool(true)},
			AutoVerify:        &awscognito.AutoVerifiedAttrs{Email: jsii.Bool(true)},
			AccountRecovery:   awscognito.AccountRecovery_EMAIL_ONLY,
			PasswordPolicy: &awscognito.PasswordPolicy{
				MinLength: jsii.Number(12), RequireLowercase: jsii.Bool(true), RequireUppercase: jsii.Bool(true),
				RequireDigits: jsii.Bool(true), RequireSymbols: jsii.Bool(true),
				TempPasswordValidity: awscdk.Duration_Days(jsii.Number(3)),
			},
			Mfa:                awscognito.Mfa_OPTIONAL,
			MfaSecondFactor:    &awscognito.MfaSecondFactor{Otp: jsii.Bool(true), Sms: jsii.Bool(false)},
			DeletionProtection: jsii.Bool(protect),
			RemovalPolicy:      removal,
		})
		compliance.UserPool(pool)
	}
	callbacks := props.CallbackURLs
	if len(callbacks) == 0 {
		callbacks = []*string{jsii.String("http://localhost:3000/callback")}
	}
	web := pool.AddClient(jsii.String("WebClient"), &awscognito.UserPoolClientOptions{
		GenerateSecret:             jsii.Bool(false),
		PreventUserExistenceErrors: jsii.Bool(true),
		EnableTokenRevocation:      jsii.Bool(true),
		AuthFlows:                  &awscognito.AuthFlow{UserSrp: jsii.Bool(true)},
		OAuth: &awscognito.OAuthSettings{
			Flows:        &awscognito.OAuthFlows{AuthorizationCodeGrant: jsii.Bool(true)},
			CallbackUrls: &callbacks,
			Scopes:       &[]awscognito.OAuthScope{awscognito.OAuthScope_OPENID(), awscognito.OAuthScope_EMAIL()},
		},
		AccessTokenValidity: awscdk.Duration_Hours(jsii.Number(1)),
		IdTokenValidity:     awscdk.Duration_Hours(jsii.Number(1)),
	})
	mobile := pool.AddClient(jsii.String("MobileClient"), &awscognito.UserPoolClientOptions{
		GenerateSecret:             jsii.Bool(false),
		PreventUserExistenceErrors: jsii.Bool(true),
		EnableTokenRevocation:      jsii.Bool(true),
		AuthFlows:                  &awscognito.AuthFlow{UserSrp: jsii.Bool(true)},
		AccessTokenValidity:        awscdk.Duration_Hours(jsii.Number(1)),
		IdTokenValidity:            awscdk.Duration_Hours(jsii.Number(1)),
		RefreshTokenValidity:       awscdk.Duration_Days(jsii.Number(30)),
	})
	awscognito.NewCfnUserPoolGroup(c, jsii.String("AdminGroup"), &awscognito.CfnUserPoolGroupProps{
		UserPoolId:  pool.UserPoolId(),
		GroupName:   jsii.String(settings.AdminGroup),
		Description: jsii.String("May read and reset any learner's progress"),
	})
	i.UserPool = pool
	i.Issuer = awscdk.Fn_Join(jsii.String(""), &[]*string{
		jsii.String("https://cognito-idp."), awscdk.Stack_Of(pool).Region(), jsii.String(".amazonaws.com/"), pool.UserPoolId(),
	})
	i.Audiences = []*string{web.UserPoolClientId(), mobile.UserPoolClientId()}
	return i
}
