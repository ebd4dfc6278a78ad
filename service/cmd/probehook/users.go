package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	cognito "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"

	"github.com/progresskit/progresskit/service/cmd/probehook/hookenv"
	"github.com/progresskit/progresskit/service/settings"
)

// users signs the probe users in to the env's user pool.
type users struct {
	api    *cognito.Client
	pool   string
	client string // the probe app client
}

type tokens struct{ learner, admin string }

type probeUser struct {
	name  string
	admin bool
}

var probeUsers = []probeUser{{hookenv.LearnerUsername, false}, {hookenv.AdminUsername, true}}

// signIn readies each probe user and returns their access tokens, which
// carry the client id as client_id, the user's sub and, for the admin,
// the progress-admin group: what the API checks.
func (u *users) signIn(ctx context.Context) (tokens, error) {
	var t tokens
	for _, p := range probeUsers {
		tok, err := u.signInOne(ctx, p)
		if err != nil {
			return tokens{}, fmt.Errorf("probe user %s: %w", p.name, err)
		}
		if p.admin {
			t.admin = tok
		} else {
			t.learner = tok
		}
	}
	return t, nil
}

func (u *users) signInOne(ctx context.Context, p probeUser) (string, error) {
	_, err := u.api.AdminCreateUser(ctx, &cognito.AdminCreateUserInput{
		UserPoolId: &u.pool, Username: aws.String(p.name),
		// No invitation: nobody reads this address, and nobody is meant to
		// sign in as this user but the hook.
		MessageAction: types.MessageActionTypeSuppress,
		UserAttributes: []types.AttributeType{
			{Name: aws.String("email"), Value: aws.String(p.name)},
			{Name: aws.String("email_verified"), Value: aws.String("true")},
		},
	})
	var exists *types.UsernameExistsException
	if err != nil && !errors.As(err, &exists) {
		return "", fmt.Errorf("create: %w", err)
	}
	// Disabled between deployments (signOut), so no password, old or
	// guessed, signs it in meanwhile.
	if _, err := u.api.AdminEnableUser(ctx, &cognito.AdminEnableUserInput{UserPoolId: &u.pool, Username: aws.String(p.name)}); err != nil {
		return "", fmt.Errorf("enable: %w", err)
	}
	if p.admin {
		if _, err := u.api.AdminAddUserToGroup(ctx, &cognito.AdminAddUserToGroupInput{
			UserPoolId: &u.pool, Username: aws.String(p.name), GroupName: aws.String(settings.AdminGroup),
		}); err != nil {
			return "", fmt.Errorf("add to %s: %w", settings.AdminGroup, err)
		}
	}
	// A fresh password each run, known only to this invocation: there is
	// no secret to store, rotate or leak.
	password, err := newPassword()
	if err != nil {
		return "", err
	}
	if _, err := u.api.AdminSetUserPassword(ctx, &cognito.AdminSetUserPasswordInput{
		UserPoolId: &u.pool, Username: aws.String(p.name), Password: &password, Permanent: true,
	}); err != nil {
		return "", fmt.Errorf("set password: %w", err)
	}
	out, err := u.api.AdminInitiateAuth(ctx, &cognito.AdminInitiateAuthInput{
		UserPoolId: &u.pool, ClientId: &u.client,
		AuthFlow:       types.AuthFlowTypeAdminUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": p.name, "PASSWORD": password},
	})
	if err != nil {
		return "", fmt.Errorf("sign in: %w", err)
	}
	if out.ChallengeName != "" {
		return "", fmt.Errorf("sign in: the pool asks for %s (a pool that requires MFA cannot run the probe)", out.ChallengeName)
	}
	if out.AuthenticationResult == nil || aws.ToString(out.AuthenticationResult.AccessToken) == "" {
		return "", errors.New("sign in: no access token")
	}
	return *out.AuthenticationResult.AccessToken, nil
}

// signOut revokes the probe users' refresh tokens and disables them until
// the next deployment. Their access tokens expire within the probe
// client's five minutes.
func (u *users) signOut(ctx context.Context) error {
	var errs []error
	for _, p := range probeUsers {
		if _, err := u.api.AdminUserGlobalSignOut(ctx, &cognito.AdminUserGlobalSignOutInput{UserPoolId: &u.pool, Username: aws.String(p.name)}); err != nil && !notFound(err) {
			errs = append(errs, fmt.Errorf("%s: sign out: %w", p.name, err))
		}
		if _, err := u.api.AdminDisableUser(ctx, &cognito.AdminDisableUserInput{UserPoolId: &u.pool, Username: aws.String(p.name)}); err != nil && !notFound(err) {
			errs = append(errs, fmt.Errorf("%s: disable: %w", p.name, err))
		}
	}
	return errors.Join(errs...)
}

// notFound: a user the run never got to create has nothing to undo.
func notFound(err error) bool {
	var nf *types.UserNotFoundException
	return errors.As(err, &nf)
}

// newPassword is 256 random bits, with one character of each class a
// Cognito password policy may require.
func newPassword() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b) + "aA1!", nil
}
