package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/codedeploy"
	cdtypes "github.com/aws/aws-sdk-go-v2/service/codedeploy/types"
	awslambda "github.com/aws/aws-sdk-go-v2/service/lambda"

	"github.com/progresskit/progresskit/service/apigwevent"
	"github.com/progresskit/progresskit/service/cmd/probehook/hookenv"
	"github.com/progresskit/progresskit/service/probe"
	"github.com/progresskit/progresskit/service/settings"
)

// canary is the hook as the Lambda variant's CodeDeploy BeforeAllowTraffic
// hook: before the live alias moves to a new version, it invokes that
// version directly with API Gateway's events, runs the smoke scenarios
// through it, and reports the outcome to CodeDeploy, which rolls the
// deployment back on Failed.
type canary struct {
	log      *slog.Logger
	version  string // the function version's ARN
	audience string
	invoke   *awslambda.Client
	deploy   *codedeploy.Client
}

func setupCanary(ctx context.Context, log *slog.Logger, getenv func(string) string) (*canary, error) {
	version, audience := getenv(hookenv.FunctionVersion), getenv(hookenv.Audience)
	if audience == "" {
		return nil, fmt.Errorf("%s not set", hookenv.Audience)
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	return &canary{log: log, version: version, audience: audience, invoke: awslambda.NewFromConfig(cfg), deploy: codedeploy.NewFromConfig(cfg)}, nil
}

// lifecycleEvent is what CodeDeploy sends a Lambda deployment's hook.
type lifecycleEvent struct {
	DeploymentID    string `json:"DeploymentId"`
	HookExecutionID string `json:"LifecycleEventHookExecutionId"`
}

// handle probes the new version and tells CodeDeploy. Only a failure to
// tell it is the function's error: CodeDeploy then fails the hook when it
// times out, which rolls back as Failed does.
func (c *canary) handle(ctx context.Context, ev lifecycleEvent) error {
	if ev.DeploymentID == "" || ev.HookExecutionID == "" {
		return errors.New("not a CodeDeploy lifecycle event: DeploymentId and LifecycleEventHookExecutionId are required")
	}
	start := time.Now()
	c.log.Info("probing the new version before it takes traffic", "version", c.version, "deployment", ev.DeploymentID)
	probeCtx, cancel := ctx, context.CancelFunc(func() {})
	if deadline, ok := ctx.Deadline(); ok {
		probeCtx, cancel = context.WithDeadline(ctx, deadline.Add(-cleanupReserve))
	}
	defer cancel()
	status := cdtypes.LifecycleEventStatusSucceeded
	if err := c.run(probeCtx); err != nil {
		c.log.Error("the probe failed: the deployment rolls back", "error", err.Error(), "ms", time.Since(start).Milliseconds())
		status = cdtypes.LifecycleEventStatusFailed
	} else {
		c.log.Info("the probe passed: the alias may move", "ms", time.Since(start).Milliseconds())
	}
	_, err := c.deploy.PutLifecycleEventHookExecutionStatus(ctx, &codedeploy.PutLifecycleEventHookExecutionStatusInput{
		DeploymentId: aws.String(ev.DeploymentID), LifecycleEventHookExecutionId: aws.String(ev.HookExecutionID), Status: status,
	})
	if err != nil {
		return fmt.Errorf("telling CodeDeploy %s: %w", status, err)
	}
	return nil
}

func (c *canary) run(ctx context.Context) error {
	learner, err := probeToken(c.audience, false)
	if err != nil {
		return err
	}
	admin, err := probeToken(c.audience, true)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: requestTimeout, Transport: &invoker{api: c.invoke, version: c.version}}
	return runScenarios(ctx, c.log, probe.Target{BaseURL: "https://" + probeHost, Client: client, Token: learner, AdminToken: admin})
}

// probeHost names the version in the requests' Host: nothing resolves it.
const probeHost = "new-version.progresskit.invalid"

// probeToken is a JWT-shaped token of a fresh probe user, unsigned: it
// never leaves this process. The invoker reads its claims and hands them
// to the version as API Gateway's authorizer hands a verified token's;
// the right to invoke the version directly is the hook's IAM permission,
// not the token.
func probeToken(audience string, admin bool) (string, error) {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	claims := map[string]any{"sub": "progress-probe-" + hex.EncodeToString(b), "client_id": audience, "token_use": "access"}
	if admin {
		claims["cognito:groups"] = []string{settings.AdminGroup}
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + enc.EncodeToString(payload) + ".", nil
}

// invoker sends each request to the version as an API Gateway event.
type invoker struct {
	api     *awslambda.Client
	version string
}

func (v *invoker) RoundTrip(r *http.Request) (*http.Response, error) {
	payload, err := apigwevent.Request(r, claimsOf(r.Header.Get("Authorization")), false)
	if err != nil {
		return nil, err
	}
	out, err := v.api.Invoke(r.Context(), &awslambda.InvokeInput{FunctionName: aws.String(v.version), Payload: payload})
	if err != nil {
		return nil, fmt.Errorf("invoke %s: %w", v.version, err)
	}
	if out.FunctionError != nil {
		return apigwevent.FunctionError(r), nil
	}
	return apigwevent.Response(r, out.Payload)
}

// claimsOf reads a probe token's claims as the JWT authorizer passes them
// (lists as "[a b]"); nil for no token or one that is not a JWT, which the
// version must answer 401 as API Gateway's authorizer would.
func claimsOf(header string) map[string]string {
	tok, ok := strings.CutPrefix(header, "Bearer ")
	if !ok {
		return nil
	}
	claims, err := probe.UnverifiedClaims(tok)
	if err != nil {
		return nil
	}
	out := map[string]string{}
	for k, v := range claims {
		switch x := v.(type) {
		case string:
			out[k] = x
		case []any:
			items := make([]string, len(x))
			for i, e := range x {
				items[i] = fmt.Sprint(e)
			}
			out[k] = "[" + strings.Join(items, " ") + "]"
		default:
			out[k] = fmt.Sprint(x)
		}
	}
	return out
}
