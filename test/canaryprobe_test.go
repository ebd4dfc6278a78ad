package test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/progresskit/progresskit/internal/lambdaruntime"
	"github.com/progresskit/progresskit/internal/testenv"
	"github.com/progresskit/progresskit/service/cmd/probehook/hookenv"
	"github.com/progresskit/progresskit/service/settings"
	"github.com/progresskit/progresskit/service/store/dynamostore"
)

// TestProbeHookBeforeAllowTraffic runs the real hook binary as the Lambda
// variant's CodeDeploy BeforeAllowTraffic hook, over the runtime protocol.
// A stand-in Lambda API hands its invocations of the new version to the
// real DynamoDB bootstrap, itself under the runtime harness on DynamoDB
// Local; a stand-in CodeDeploy records what the hook reports.
func TestProbeHookBeforeAllowTraffic(t *testing.T) {
	bin := buildProbeHook(t)
	const version = "arn:aws:lambda:us-east-1:123456789012:function:progress-api:7"
	const audience = "probe-app-client"

	t.Run("passes on a healthy version", func(t *testing.T) {
		opts, err := dynamostore.ParseURL(testenv.DynamoTable(t))
		if err != nil {
			t.Fatal(err)
		}
		fn := newRuntimeAPI(t)
		startBootstrap(t, fn, settings.Store.Env+"=dynamodb://"+opts.Table+"?region=us-east-1", settings.Auth.Env+"="+settings.AuthAPIGW,
			settings.Audience.Env+"=another-client,"+audience, "AWS_ENDPOINT_URL_DYNAMODB="+testenv.DynamoEndpoint(t))
		invoke := newLambdaAPI(t, func(ctx context.Context, payload []byte) (lambdaruntime.Result, error) {
			return fn.Invoke(ctx, payload)
		})
		cd := newCodeDeploy(t)
		hook := startCanaryHook(t, bin, version, audience, invoke, cd)
		for run := 1; run <= 2; run++ {
			if status := invokeCanaryHook(t, hook, cd, run); status != "Succeeded" {
				t.Fatalf("run %d: status %q, want Succeeded", run, status)
			}
		}
		if got := invoke.functions(); len(got) != 1 || got[0] != version {
			t.Errorf("the hook invoked %v, want the new version %s alone", got, version)
		}
	})

	t.Run("fails on a version that answers 500", func(t *testing.T) {
		invoke := newLambdaAPI(t, func(context.Context, []byte) (lambdaruntime.Result, error) {
			return lambdaruntime.Result{Body: []byte(`{"statusCode":500,"headers":{"Content-Type":"application/json"},"body":"{\"error\":{\"code\":\"internal\",\"message\":\"internal error\"}}"}`)}, nil
		})
		cd := newCodeDeploy(t)
		hook := startCanaryHook(t, bin, version, audience, invoke, cd)
		if status := invokeCanaryHook(t, hook, cd, 1); status != "Failed" {
			t.Fatalf("status %q, want Failed", status)
		}
		hook.failedBecause(t, "scenarios failed: health and readiness")
	})

	t.Run("fails on a version that crashes", func(t *testing.T) {
		invoke := newLambdaAPI(t, func(context.Context, []byte) (lambdaruntime.Result, error) {
			return lambdaruntime.Result{IsError: true, Body: []byte(`{"errorMessage":"boom","errorType":"Runtime.ExitError"}`)}, nil
		})
		cd := newCodeDeploy(t)
		hook := startCanaryHook(t, bin, version, audience, invoke, cd)
		if status := invokeCanaryHook(t, hook, cd, 1); status != "Failed" {
			t.Fatalf("status %q, want Failed", status)
		}
	})
}

func startCanaryHook(t *testing.T, bin, version, audience string, invoke *lambdaAPI, cd *codeDeploy) *lambdaProcess {
	t.Helper()
	return startLambda(t, bin, newRuntimeAPI(t), hookenv.FunctionVersion+"="+version, hookenv.Audience+"="+audience,
		"AWS_ENDPOINT_URL_LAMBDA="+invoke.srv.URL, "AWS_ENDPOINT_URL_CODEDEPLOY="+cd.srv.URL)
}

// invokeCanaryHook sends the hook CodeDeploy's event for deployment run
// and returns the status the hook reported for it.
func invokeCanaryHook(t *testing.T, h *lambdaProcess, cd *codeDeploy, run int) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	deployment, execution := "d-PROBE"+strings.Repeat("X", run), "hook-execution-"+strings.Repeat("1", run)
	ev, _ := json.Marshal(map[string]string{"DeploymentId": deployment, "LifecycleEventHookExecutionId": execution})
	res, err := h.rt.Invoke(ctx, ev)
	if err != nil {
		t.Fatal(err)
	}
	if res.IsError {
		t.Fatalf("the hook failed instead of reporting to CodeDeploy: %s", res.Body)
	}
	reports := cd.reports()
	if len(reports) != run {
		t.Fatalf("%d reports to CodeDeploy after %d runs: %v", len(reports), run, reports)
	}
	r := reports[run-1]
	if r.DeploymentID != deployment || r.ExecutionID != execution {
		t.Errorf("reported for %s/%s, want %s/%s", r.DeploymentID, r.ExecutionID, deployment, execution)
	}
	return r.Status
}

// lambdaAPI stands in for Lambda's Invoke API.
type lambdaAPI struct {
	srv *httptest.Server
	mu  sync.Mutex
	fns map[string]bool
}

func newLambdaAPI(t *testing.T, invoke func(context.Context, []byte) (lambdaruntime.Result, error)) *lambdaAPI {
	t.Helper()
	l := &lambdaAPI{fns: map[string]bool{}}
	l.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := strings.CutPrefix(r.URL.Path, "/2015-03-31/functions/")
		name, found := strings.CutSuffix(name, "/invocations")
		if !ok || !found || r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") {
			http.Error(w, "not an Invoke", http.StatusBadRequest)
			return
		}
		l.mu.Lock()
		l.fns[name] = true
		l.mu.Unlock()
		payload, _ := io.ReadAll(r.Body)
		res, err := invoke(r.Context(), payload)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		if res.IsError {
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
		}
		w.Header().Set("X-Amz-Executed-Version", "7")
		w.Write(res.Body)
	}))
	t.Cleanup(l.srv.Close)
	return l
}

func (l *lambdaAPI) functions() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for f := range l.fns {
		out = append(out, f)
	}
	return out
}

// codeDeploy stands in for CodeDeploy's PutLifecycleEventHookExecutionStatus.
type codeDeploy struct {
	srv  *httptest.Server
	mu   sync.Mutex
	seen []hookReport
}

type hookReport struct {
	DeploymentID string `json:"deploymentId"`
	ExecutionID  string `json:"lifecycleEventHookExecutionId"`
	Status       string `json:"status"`
}

func newCodeDeploy(t *testing.T) *codeDeploy {
	t.Helper()
	c := &codeDeploy{}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var rep hookReport
		if r.Header.Get("X-Amz-Target") != "CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus" || json.NewDecoder(r.Body).Decode(&rep) != nil {
			http.Error(w, "not a PutLifecycleEventHookExecutionStatus", http.StatusBadRequest)
			return
		}
		c.mu.Lock()
		c.seen = append(c.seen, rep)
		c.mu.Unlock()
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		json.NewEncoder(w).Encode(map[string]string{"lifecycleEventHookExecutionId": rep.ExecutionID})
	}))
	t.Cleanup(c.srv.Close)
	return c
}

func (c *codeDeploy) reports() []hookReport {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]hookReport(nil), c.seen...)
}
