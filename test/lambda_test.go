package test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/progresskit/progresskit/constructs/assets"
	"github.com/progresskit/progresskit/internal/lambdaruntime"
	"github.com/progresskit/progresskit/internal/testenv"
	"github.com/progresskit/progresskit/service/apigwevent"
	"github.com/progresskit/progresskit/service/auth"
	"github.com/progresskit/progresskit/service/deploy"
	"github.com/progresskit/progresskit/service/probe"
	"github.com/progresskit/progresskit/service/settings"
	"github.com/progresskit/progresskit/service/store/dynamostore"
)

// newRuntimeAPI starts a Runtime API for one test.
func newRuntimeAPI(t *testing.T) *lambdaruntime.API {
	rt := lambdaruntime.New()
	t.Cleanup(rt.Close)
	return rt
}

// apiGateway turns HTTP requests into HTTP API (payload 2.0) events, as API
// Gateway does, including its JWT authorizer: protected routes without a
// valid token are answered 401 without invoking the function.
type apiGateway struct {
	rt *lambdaruntime.API
	// claims, when set, stands in for the JWT authorizer: the claims it
	// returns reach the function as if a verified token had carried them.
	claims    func(header string) (map[string]string, bool)
	key       []byte
	base64Req bool
}

var publicRoutes = map[string]bool{"/healthz": true, "/readyz": true}

func (g *apiGateway) RoundTrip(r *http.Request) (*http.Response, error) {
	var claims map[string]string
	if !publicRoutes[r.URL.Path] {
		var ok bool
		authorize := g.authorize
		if g.claims != nil {
			authorize = g.claims
		}
		if claims, ok = authorize(r.Header.Get("Authorization")); !ok {
			return &http.Response{StatusCode: 401, Header: http.Header{"Www-Authenticate": {`Bearer error="invalid_token"`}},
				Body: io.NopCloser(strings.NewReader(`{"message":"Unauthorized"}`)), Request: r}, nil
		}
	}
	payload, err := apigwevent.Request(r, claims, g.base64Req)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	res, err := g.rt.Invoke(ctx, payload)
	if err != nil {
		return nil, err
	}
	if res.IsError {
		return apigwevent.FunctionError(r), nil
	}
	return apigwevent.Response(r, res.Body)
}

// authorize verifies the token as the JWT authorizer would and flattens the
// claims as API Gateway passes them ("[a b]" for lists).
func (g *apiGateway) authorize(header string) (map[string]string, bool) {
	tok, ok := strings.CutPrefix(header, "Bearer ")
	if !ok {
		return nil, false
	}
	var c auth.Claims
	_, err := jwt.ParseWithClaims(tok, &c, func(*jwt.Token) (any, error) { return g.key, nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithIssuer(auth.DevIssuer), jwt.WithAudience(auth.DevAudience))
	if err != nil {
		return nil, false
	}
	claims := map[string]string{"sub": c.Subject, "iss": c.Issuer, "aud": strings.Join(c.Audience, " "), "token_use": "id"}
	if len(c.Groups) > 0 {
		claims["cognito:groups"] = "[" + strings.Join(c.Groups, " ") + "]"
	}
	return claims, true
}

// startBootstrap runs the real DynamoDB bootstrap binary against rt.
func startBootstrap(t *testing.T, rt *lambdaruntime.API, env ...string) *exec.Cmd {
	t.Helper()
	return startBootstrapBin(t, bootstrapBin, rt, env...)
}

// startBootstrapBin runs the bootstrap binary bin against rt.
func startBootstrapBin(t *testing.T, bin string, rt *lambdaruntime.API, env ...string) *exec.Cmd {
	t.Helper()
	return startLambda(t, bin, rt, env...).Cmd
}

func lambdaTarget(t *testing.T, base64Req bool) (*apiGateway, *exec.Cmd) {
	opts, err := dynamostore.ParseURL(testenv.DynamoTable(t))
	if err != nil {
		t.Fatal(err)
	}
	table := opts.Table
	rt := newRuntimeAPI(t)
	cmd := startBootstrap(t, rt,
		settings.Store.Env+"=dynamodb://"+table+"?region=us-east-1", settings.Auth.Env+"="+settings.AuthAPIGW, settings.Audience.Env+"="+auth.DevAudience,
		"AWS_ENDPOINT_URL_DYNAMODB="+testenv.DynamoEndpoint(t), settings.FaultHeaderEnv+"=X-Progress-Fault")
	return &apiGateway{rt: rt, key: devKey, base64Req: base64Req}, cmd
}

func devTokens(t *testing.T, user string) (string, string) {
	t.Helper()
	tok, err := auth.DevToken(devKey, user, false, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	admin, err := auth.DevToken(devKey, "ops", true, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return tok, admin
}

func runProbe(t *testing.T, target probe.Target) {
	t.Helper()
	for _, r := range probe.Run(context.Background(), target) {
		if r.Err != nil {
			t.Errorf("smoke %q: %v", r.Name, r.Err)
		}
	}
}

// TestLambdaBootstrapSmoke runs the smoke suite through the real bootstrap
// binary over the runtime protocol, with bodies plain and base64-encoded.
func TestLambdaBootstrapSmoke(t *testing.T) {
	for _, b64 := range []bool{false, true} {
		t.Run(fmt.Sprintf("base64=%v", b64), func(t *testing.T) {
			gw, _ := lambdaTarget(t, b64)
			tok, admin := devTokens(t, "lambda-learner")
			runProbe(t, probe.Target{BaseURL: "https://api.example.com", Client: &http.Client{Transport: gw}, Token: tok, AdminToken: admin})
		})
	}
}

func TestLambdaPanicBecomes500AndTheRuntimeKeepsServing(t *testing.T) {
	gw, cmd := lambdaTarget(t, false)
	client := &http.Client{Transport: gw}
	tok, _ := devTokens(t, "u1")
	req, _ := http.NewRequest("GET", "https://api.example.com/v1/users/u1/courses", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("X-Progress-Fault", "panic")
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 500 || !strings.Contains(string(body), `"internal"`) || strings.Contains(string(body), "fault injected") {
		t.Fatalf("panic answered %d %s", res.StatusCode, body)
	}
	for range 3 {
		res, err := client.Get("https://api.example.com/healthz")
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("after the panic: %v %v", res, err)
		}
	}
	if cmd.ProcessState != nil {
		t.Fatal("the bootstrap exited")
	}
	if errs := gw.rt.Errors(); len(errs) != 0 {
		t.Fatalf("the panic reached the runtime as an invocation error: %v", errs)
	}
}

func TestLambdaBootstrapInitFailsWithoutTable(t *testing.T) {
	rt := newRuntimeAPI(t)
	cmd := startBootstrap(t, rt, "PROGRESS_AUTH=apigw", "PROGRESS_AUDIENCE=x")
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("the bootstrap started without a table")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the bootstrap kept running without a table")
	}
}

// Headers survive the round trip through the event and response formats.
func TestLambdaHeaders(t *testing.T) {
	gw, _ := lambdaTarget(t, true)
	client := &http.Client{Transport: gw}
	req, _ := http.NewRequest("GET", "https://api.example.com/healthz", nil)
	req.Header.Set("X-Request-Id", "trace-42")
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/json" || res.Header.Get("X-Request-Id") != "trace-42" ||
		res.Header.Get("Cache-Control") != "no-store" || string(body) != "{\"status\":\"ok\"}\n" {
		t.Fatalf("healthz through Lambda: %d %v %q", res.StatusCode, res.Header, body)
	}
	tok, _ := devTokens(t, "u1")
	req, _ = http.NewRequest("PUT", "https://api.example.com/v1/users/u1/courses/c1", strings.NewReader("{}"))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	res, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 405 || res.Header.Get("Allow") != "DELETE, GET" {
		t.Fatalf("405 through Lambda: %d Allow=%q", res.StatusCode, res.Header.Get("Allow"))
	}
}

// The fault-injection switch exists only in the tests' build: the
// bootstrap the Lambda construct deploys (built exactly as it builds it)
// carries neither the setting's name nor the code.
func TestDeployedBootstrapHasNoFaultInjection(t *testing.T) {
	deployed := filepath.Join(t.TempDir(), "bootstrap")
	if err := assets.Bootstrap(deploy.DynamoDB).Build(assets.DeployArch, deployed); err != nil {
		t.Fatal(err)
	}
	markers := []string{settings.FaultHeaderEnv, "fault injected by"}
	for name, want := range map[string]bool{deployed: false, bootstrapBin: true} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range markers {
			if got := bytes.Contains(b, []byte(m)); got != want {
				t.Errorf("%s contains %q: %v, want %v", name, m, got, want)
			}
		}
	}
}

// A 500 that the handler answers (here a recovered panic) is a success to
// Lambda, so the bootstrap reports it itself: one embedded-metric-format
// line per 5xx, tagged with the version that answered, which the canary's
// rollback alarm reads. Other answers add no line.
func TestLambdaHandled500EmitsAMetricForItsVersion(t *testing.T) {
	opts, err := dynamostore.ParseURL(testenv.DynamoTable(t))
	if err != nil {
		t.Fatal(err)
	}
	rt := newRuntimeAPI(t)
	cmd := exec.Command(bootstrapBin)
	cmd.Env = append(rt.Env(t.TempDir()), "PATH="+os.Getenv("PATH"), "AWS_LAMBDA_FUNCTION_VERSION=7",
		settings.Store.Env+"=dynamodb://"+opts.Table+"?region=us-east-1", settings.Auth.Env+"="+settings.AuthAPIGW, settings.Audience.Env+"="+auth.DevAudience,
		"AWS_ENDPOINT_URL_DYNAMODB="+testenv.DynamoEndpoint(t), settings.FaultHeaderEnv+"=X-Progress-Fault")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Transport: &apiGateway{rt: rt, key: devKey}}
	tok, _ := devTokens(t, "u1")
	get := func(path string, fault bool) int {
		req, _ := http.NewRequest("GET", "https://api.example.com"+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		if fault {
			req.Header.Set("X-Progress-Fault", "panic")
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	codes := []int{get("/v1/users/u1/courses", true), get("/healthz", false), get("/v1/users/u1/courses/none", false), get("/v1/users/u1/courses", true)}
	cmd.Process.Kill()
	cmd.Wait() // stdout is complete: each line was written before its answer
	if want := []int{500, 200, 404, 500}; fmt.Sprint(codes) != fmt.Sprint(want) {
		t.Fatalf("answers %v, want %v\n%s", codes, want, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines on stdout for two 500s, want 2:\n%s", len(lines), stdout.String())
	}
	for _, line := range lines {
		var emf struct {
			AWS struct {
				Timestamp         int64
				CloudWatchMetrics []struct {
					Namespace  string
					Dimensions [][]string
					Metrics    []struct{ Name, Unit string }
				}
			} `json:"_aws"`
			FunctionName, Version string
			ServerErrors          float64
		}
		if err := json.Unmarshal([]byte(line), &emf); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		m := emf.AWS.CloudWatchMetrics
		if len(m) != 1 || m[0].Namespace != settings.MetricNamespace || len(m[0].Metrics) != 1 || m[0].Metrics[0].Name != settings.MetricServerErrors ||
			fmt.Sprint(m[0].Dimensions) != fmt.Sprint([][]string{{settings.MetricDimensionFunction, settings.MetricDimensionVersion}}) {
			t.Errorf("metric directive %+v", m)
		}
		if emf.FunctionName != "progress" || emf.Version != "7" || emf.ServerErrors != 1 || emf.AWS.Timestamp == 0 {
			t.Errorf("datapoint %q", line)
		}
	}
}
