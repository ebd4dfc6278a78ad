package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/core"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/progresskit/progresskit/service/api"
	"github.com/progresskit/progresskit/service/auth"
	"github.com/progresskit/progresskit/service/settings"
	"github.com/progresskit/progresskit/service/store/storeurl"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	handler, err := setup(context.Background(), log, os.Getenv)
	if err != nil {
		// Exiting during init makes the runtime report an init error and
		// retry in a new sandbox; a request never reaches a half-set-up one.
		log.Error("init failed", "error", err.Error())
		os.Exit(1)
	}
	lambda.Start(httpadapter.NewV2(handler).ProxyWithContext)
}

// setup builds the handler once per sandbox.
func setup(ctx context.Context, log *slog.Logger, getenv func(string) string) (http.Handler, error) {
	storeURL := getenv(settings.Store.Env)
	if storeURL == "" {
		return nil, fmt.Errorf("%s is not set", settings.Store.Env)
	}
	if mode := getenv(settings.Auth.Env); mode != settings.AuthAPIGW {
		return nil, fmt.Errorf("%s=%q: the Lambda runtime only runs behind API Gateway's JWT authorizer (%s=%s)", settings.Auth.Env, mode, settings.Auth.Env, settings.AuthAPIGW)
	}
	authn, err := auth.NewAPIGateway(authorizerClaims, auth.ParseAudiences(getenv(settings.Audience.Env)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", settings.Audience.Env, err)
	}
	// A sandbox serves one invocation at a time: one connection is enough,
	// and a database sees as many as there are warm sandboxes.
	st, err := storeurl.Open(ctx, storeURL, storeurl.Options{PGMaxConns: 1})
	if err != nil {
		return nil, err
	}
	opts := append([]api.Option{api.WithLogger(log)}, faultOptions(log, getenv)...)
	return serverErrors(api.New(st, authn, opts...), os.Stdout, getenv("AWS_LAMBDA_FUNCTION_NAME"), getenv("AWS_LAMBDA_FUNCTION_VERSION")), nil
}

// authorizerClaims reads the JWT authorizer's claims from the event that
// the adapter put in the request's context.
func authorizerClaims(r *http.Request) (map[string]string, bool) {
	rc, ok := core.GetAPIGatewayV2ContextFromContext(r.Context())
	if !ok || rc.Authorizer == nil || rc.Authorizer.JWT == nil {
		return nil, false
	}
	return rc.Authorizer.JWT.Claims, true
}
