package main

import (
	"cmp"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"

	"github.com/progresskit/progresskit/service/cmd/probehook/hookenv"
	"github.com/progresskit/progresskit/service/probe"
	"github.com/progresskit/progresskit/service/settings"
)

// The hookStatus values ECS reads.
const (
	statusSucceeded = "SUCCEEDED"
	statusFailed    = "FAILED"
)

const (
	// reachTimeout bounds the wait for the test listener to answer at all:
	// a security group rule takes a few seconds to apply.
	reachTimeout = 60 * time.Second
	// cleanupReserve is kept from the function's deadline so that the
	// ingress rule is revoked and the probe users are disabled even when
	// the probe itself runs out of time.
	cleanupReserve = 20 * time.Second
	requestTimeout = 10 * time.Second
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	// An init error makes Lambda report the invocation as failed, and a
	// hook that fails rolls the deployment back: never a silent pass.
	fail := func(err error) {
		log.Error("init failed", "error", err.Error())
		os.Exit(1)
	}
	if os.Getenv(hookenv.FunctionVersion) != "" {
		c, err := setupCanary(context.Background(), log, os.Getenv)
		if err != nil {
			fail(err)
		}
		lambda.Start(c.handle)
		return
	}
	h, err := setup(context.Background(), log, os.Getenv)
	if err != nil {
		fail(err)
	}
	lambda.Start(h.handle)
}

// hook is the configured handler, built once per sandbox.
type hook struct {
	log       *slog.Logger
	url       string
	transport *http.Transport // to the test listener
	client    *http.Client
	users     *users
	ingress   *ingress // nil: the test listener needs no rule (tests)
}

func setup(ctx context.Context, log *slog.Logger, getenv func(string) string) (*hook, error) {
	var missing []string
	need := func(name string) string {
		v := getenv(name)
		if v == "" {
			missing = append(missing, name)
		}
		return v
	}
	base, pool, clientID := need(hookenv.URL), need(hookenv.UserPoolID), need(hookenv.ClientID)
	if len(missing) > 0 {
		return nil, fmt.Errorf("%s not set", strings.Join(missing, ", "))
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%s=%q is not an http(s) URL", hookenv.URL, base)
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	if name := getenv(hookenv.TLSServerName); name != "" {
		transport.TLSClientConfig = &tls.Config{ServerName: name, MinVersion: tls.VersionTLS12}
	}
	h := &hook{
		log:       log,
		url:       strings.TrimRight(base, "/"),
		transport: transport,
		client:    &http.Client{Timeout: requestTimeout, Transport: transport},
		users:     &users{api: cognitoidentityprovider.NewFromConfig(cfg), pool: pool, client: clientID},
	}
	if sg := getenv(hookenv.SecurityGroupID); sg != "" {
		port, err := strconv.Atoi(u.Port())
		if err != nil {
			return nil, fmt.Errorf("%s=%q names no port for the ingress rule", hookenv.URL, base)
		}
		h.ingress = newIngress(cfg, sg, port, cmp.Or(getenv(hookenv.CheckIPURL), hookenv.DefaultCheckIPURL), getenv("AWS_ENDPOINT_URL_EC2"), &http.Client{Timeout: requestTimeout})
	}
	return h, nil
}

// response is the hook's answer to ECS.
type response struct {
	HookStatus string `json:"hookStatus"`
}

// handle answers one lifecycle event. The event says which deployment and
// stage called (logged as is); what to probe is the function's own
// configuration. Every failure is a FAILED answer, never a function
// error, so the log says why the deployment rolled back.
func (h *hook) handle(ctx context.Context, event json.RawMessage) (response, error) {
	start := time.Now()
	h.log.Info("probing the new tasks through the test listener", "url", h.url, "event", event)
	probeCtx, cancel := ctx, context.CancelFunc(func() {})
	if deadline, ok := ctx.Deadline(); ok {
		probeCtx, cancel = context.WithDeadline(ctx, deadline.Add(-cleanupReserve))
	}
	defer cancel()
	if err := h.run(probeCtx); err != nil {
		h.log.Error("the probe failed: the deployment rolls back", "error", err.Error(), "ms", time.Since(start).Milliseconds())
		return response{HookStatus: statusFailed}, nil
	}
	h.log.Info("the probe passed: production traffic may move", "ms", time.Since(start).Milliseconds())
	return response{HookStatus: statusSucceeded}, nil
}

func (h *hook) run(ctx context.Context) error {
	// Clean-up runs on its own clock: the probe's may have run out.
	cleanup := func() (context.Context, context.CancelFunc) {
		return context.WithTimeout(context.WithoutCancel(ctx), cleanupReserve/2)
	}
	tokens, err := h.users.signIn(ctx)
	defer func() {
		c, cancel := cleanup()
		defer cancel()
		if err := h.users.signOut(c); err != nil {
			h.log.Error("could not sign the probe users out and disable them", "error", err.Error())
		}
	}()
	if err != nil {
		return err
	}
	// The listener is open for the probe alone, after the sign-ins.
	if h.ingress != nil {
		ip, err := h.ingress.egressIP(ctx)
		if err != nil {
			return err
		}
		if err := h.ingress.open(ctx, ip); err != nil {
			return err
		}
		defer func() {
			c, cancel := cleanup()
			defer cancel()
			// A rule left behind admits only this function's former address
			// on the test port; it does not change the deployment's outcome.
			if err := h.ingress.close(c, ip); err != nil {
				h.log.Error("could not revoke the probe's ingress rule; remove it by hand", "error", err.Error(), "cidr", ip.String()+"/32")
			}
		}()
	}
	if err := h.reach(ctx); err != nil {
		return err
	}
	return runScenarios(ctx, h.log, probe.Target{BaseURL: h.url, Client: h.client, Token: tokens.learner, AdminToken: tokens.admin})
}

// runScenarios runs every smoke scenario against t, logging each, and
// fails naming those that failed.
func runScenarios(ctx context.Context, log *slog.Logger, t probe.Target) error {
	var failed []string
	for _, r := range probe.Run(ctx, t) {
		if r.Err != nil {
			failed = append(failed, r.Name)
			log.Error("scenario failed", "scenario", r.Name, "error", r.Err.Error(), "ms", r.Elapsed.Milliseconds())
		} else {
			log.Info("scenario passed", "scenario", r.Name, "ms", r.Elapsed.Milliseconds())
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d of %d scenarios failed: %s", len(failed), len(probe.Names()), strings.Join(failed, "; "))
	}
	return nil
}

// reach waits until the test listener answers anything: the ingress rule
// just added takes a few seconds to apply. What it answers is the
// scenarios' to judge; ECS routes test traffic only to tasks that passed
// their health checks.
func (h *hook) reach(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, reachTimeout)
	defer cancel()
	client := &http.Client{Timeout: 5 * time.Second, Transport: h.transport}
	var last error
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.url+settings.HealthPath, nil)
		if err != nil {
			return err
		}
		res, err := client.Do(req)
		if err == nil {
			res.Body.Close()
			return nil
		}
		// A certificate that does not verify is an answer: waiting will
		// not change it.
		var badCert *tls.CertificateVerificationError
		if errors.As(err, &badCert) {
			return fmt.Errorf("the test listener %s: %w", h.url, err)
		}
		last = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("the test listener %s did not answer within %s: %w", h.url, reachTimeout, errors.Join(last, ctx.Err()))
		case <-time.After(2 * time.Second):
		}
	}
}
