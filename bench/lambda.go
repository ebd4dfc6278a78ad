package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"time"

	"github.com/progresskit/progresskit/constructs/assets"
	"github.com/progresskit/progresskit/internal/lambdaruntime"
	"github.com/progresskit/progresskit/service/deploy"
	"github.com/progresskit/progresskit/service/settings"
	"github.com/progresskit/progresskit/service/store/dynamostore"
)

// hello is the floor: aws-lambda-go's smallest function, built like ours.
var hello = assets.Binary{Package: "./bench/hello", Name: "bootstrap", Tags: assets.Bootstrap(deploy.DynamoDB).Tags}

// healthEvent is an HTTP API (payload 2.0) event for GET /healthz: what
// the warm invokes send, so they time the runtime and adapter, not a store.
var healthEvent = []byte(`{"version":"2.0","routeKey":"GET /healthz","rawPath":"/healthz","rawQueryString":"","headers":{"host":"bench"},` +
	`"requestContext":{"http":{"method":"GET","path":"/healthz","protocol":"HTTP/1.1","sourceIp":"127.0.0.1","userAgent":"bench"},"requestId":"r","routeKey":"GET /healthz","stage":"$default"},"isBase64Encoded":false}`)

// lambdaRows: size (deployed arm64 build), cold start and warm invokes
// (this machine's build, under the Runtime API harness), ours beside hello.
func lambdaRows(tmp, dynamoStoreURL string, runs int) ([]Row, error) {
	size := map[string]float64{}
	host := map[string]string{}
	for name, b := range map[string]assets.Binary{"progress": assets.Bootstrap(deploy.DynamoDB), "hello": hello} {
		arm := filepath.Join(tmp, name+"-arm64", "bootstrap")
		if err := b.Build(assets.DeployArch, arm); err != nil {
			return nil, err
		}
		st, err := os.Stat(arm)
		if err != nil {
			return nil, err
		}
		size[name] = float64(st.Size()) / 1e6
		host[name] = filepath.Join(tmp, name+"-"+runtime.GOARCH, "bootstrap")
		if err := b.Build(runtime.GOARCH, host[name]); err != nil {
			return nil, err
		}
	}
	progressEnv, err := lambdaEnv(dynamoStoreURL)
	if err != nil {
		return nil, err
	}
	env := map[string][]string{"progress": progressEnv, "hello": nil}
	cold, warmP50, warmP99 := map[string]float64{}, map[string]float64{}, map[string]float64{}
	for _, name := range []string{"progress", "hello"} {
		var colds []time.Duration
		var warm []time.Duration
		for range runs + 1 { // the first run warms the page cache
			c, w, err := coldStart(host[name], env[name], 50)
			if err != nil {
				return nil, fmt.Errorf("%s bootstrap: %w", name, err)
			}
			colds, warm = append(colds, c), append(warm, w...)
		}
		colds = colds[1:]
		cold[name] = ms(medianDuration(colds))
		sort.Slice(warm, func(i, j int) bool { return warm[i] < warm[j] })
		warmP50[name], warmP99[name] = ms(warm[len(warm)/2]), ms(warm[len(warm)*99/100])
	}
	return []Row{
		atMost(Row{Group: "lambda", Name: "bootstrap size (arm64, stripped)", Ours: size["progress"], Ceiling: assets.MaxDynamoDBBootstrapBytes / 1e6, Unit: "MB",
			Note: fmt.Sprintf("hello-world floor %.1f MB", size["hello"])}, 1),
		atMost(Row{Group: "lambda", Name: "cold start (process start to first next)", Ours: cold["progress"], Ceiling: cold["hello"], Unit: "ms"}, 1.5),
		info(Row{Group: "lambda", Name: "warm invoke p50 (GET /healthz)", Ours: warmP50["progress"], Ceiling: warmP50["hello"], Unit: "ms"}),
		info(Row{Group: "lambda", Name: "warm invoke p99 (GET /healthz)", Ours: warmP99["progress"], Ceiling: warmP99["hello"], Unit: "ms"}),
	}, nil
}

// coldStart starts bin under a fresh Runtime API, returns the time to its
// first 'next', then times n sequential invocations.
func coldStart(bin string, env []string, n int) (time.Duration, []time.Duration, error) {
	rt := lambdaruntime.New()
	defer rt.Close()
	cmd := exec.Command(bin)
	cmd.Env = append(rt.Env(os.TempDir()), env...)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, nil, err
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	var cold time.Duration
	select {
	case at := <-rt.FirstNext():
		cold = at.Sub(start)
	case <-time.After(30 * time.Second):
		return 0, nil, fmt.Errorf("no call to next within 30 s:\n%s", logs.String())
	}
	warm := make([]time.Duration, 0, n)
	for range n {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		t0 := time.Now()
		res, err := rt.Invoke(ctx, healthEvent)
		cancel()
		if err != nil || res.IsError {
			return 0, nil, fmt.Errorf("invoke: %v %s\n%s", err, res.Body, logs.String())
		}
		warm = append(warm, time.Since(t0))
	}
	return cold, warm, nil
}

// lambdaEnv is the progress bootstrap's environment for the bench's
// DynamoDB store URL, as the Lambda construct sets it: the store URL of
// the table in the function's region, with the local server's endpoint
// given the way the SDK reads it.
func lambdaEnv(storeURL string) ([]string, error) {
	o, err := dynamostore.ParseURL(storeURL)
	if err != nil {
		return nil, err
	}
	return []string{settings.Store.Env + "=dynamodb://" + o.Table + "?region=" + o.Region, settings.Auth.Env + "=" + settings.AuthAPIGW,
		settings.Audience.Env + "=bench", "AWS_ENDPOINT_URL_DYNAMODB=" + o.Endpoint}, nil
}

func medianDuration(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
