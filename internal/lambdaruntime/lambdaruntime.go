// Package lambdaruntime serves the Lambda Runtime API
// (/2018-06-01/runtime/invocation/next, /response, /error, /init/error) on
// loopback to one bootstrap process, one invocation at a time, as the
// Lambda service does. The end-to-end tests and 'make bench' run the real
// bootstrap against it.
package lambdaruntime

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// API is a running Runtime API.
type API struct {
	srv       *httptest.Server
	pending   chan invocation
	mu        sync.Mutex
	waiting   map[string]chan Result
	initErr   chan string
	errors    []string
	seq       int
	firstNext chan time.Time
	nextOnce  sync.Once
}

type invocation struct {
	id    string
	event []byte
}

// Result is the bootstrap's answer to one invocation.
type Result struct {
	Body    []byte
	IsError bool // posted to /error rather than /response
}

// New starts the API on a loopback port.
func New() *API {
	a := &API{pending: make(chan invocation), waiting: map[string]chan Result{}, initErr: make(chan string, 1), firstNext: make(chan time.Time, 1)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", func(w http.ResponseWriter, r *http.Request) {
		a.nextOnce.Do(func() { a.firstNext <- time.Now() })
		select {
		case inv := <-a.pending:
			w.Header().Set("Lambda-Runtime-Aws-Request-Id", inv.id)
			w.Header().Set("Lambda-Runtime-Deadline-Ms", fmt.Sprint(time.Now().Add(30*time.Second).UnixMilli()))
			w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:progress")
			w.Header().Set("Lambda-Runtime-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1")
			w.Header().Set("Content-Type", "application/json")
			w.Write(inv.event)
		case <-r.Context().Done():
		}
	})
	result := func(isError bool) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			a.mu.Lock()
			ch := a.waiting[r.PathValue("id")]
			if isError {
				a.errors = append(a.errors, string(body))
			}
			a.mu.Unlock()
			if ch == nil {
				http.Error(w, "unknown request id", http.StatusBadRequest)
				return
			}
			ch <- Result{body, isError}
			w.WriteHeader(http.StatusAccepted)
		}
	}
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", result(false))
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", result(true))
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		select {
		case a.initErr <- string(body):
		default:
		}
		w.WriteHeader(http.StatusAccepted)
	})
	a.srv = httptest.NewServer(mux)
	return a
}

// Addr is the value of AWS_LAMBDA_RUNTIME_API for the bootstrap.
func (a *API) Addr() string { return strings.TrimPrefix(a.srv.URL, "http://") }

// Env is the environment the Lambda service gives a function's process,
// pointed at this API (with placeholder credentials for local servers).
func (a *API) Env(home string) []string {
	return []string{
		"AWS_LAMBDA_RUNTIME_API=" + a.Addr(),
		"AWS_LAMBDA_FUNCTION_NAME=progress", "AWS_LAMBDA_FUNCTION_VERSION=$LATEST", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256",
		"AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID=local", "AWS_SECRET_ACCESS_KEY=local",
		"HOME=" + home,
	}
}

// Close stops the API.
func (a *API) Close() { a.srv.Close() }

// FirstNext delivers when the bootstrap first asked for an invocation:
// the end of its initialisation.
func (a *API) FirstNext() <-chan time.Time { return a.firstNext }

// Errors are the invocation errors posted so far.
func (a *API) Errors() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.errors...)
}

// Invoke sends one event and waits for the bootstrap's answer.
func (a *API) Invoke(ctx context.Context, event []byte) (Result, error) {
	a.mu.Lock()
	a.seq++
	id := fmt.Sprintf("req-%04d", a.seq)
	ch := make(chan Result, 1)
	a.waiting[id] = ch
	a.mu.Unlock()
	select {
	case a.pending <- invocation{id, event}:
	case <-ctx.Done():
		return Result{}, fmt.Errorf("the bootstrap never asked for the next invocation: %w", ctx.Err())
	}
	select {
	case res := <-ch:
		return res, nil
	case <-ctx.Done():
		return Result{}, fmt.Errorf("no response to %s: %w", id, ctx.Err())
	}
}
