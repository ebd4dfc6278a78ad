package httpserver

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

// TestShutdownDrainsInFlightRequests holds requests inside the handler,
// begins shutdown, and checks that new connections are refused while the
// held requests still complete with their full response.
func TestShutdownDrainsInFlightRequests(t *testing.T) {
	const inFlight = 4
	entered := make(chan struct{}, inFlight)
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-release
		io.WriteString(w, "finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, New(h), ln, 10*time.Second) }()

	type result struct {
		body string
		err  error
	}
	results := make(chan result, inFlight)
	for range inFlight {
		go func() {
			res, err := http.Get(url)
			if err != nil {
				results <- result{err: err}
				return
			}
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			results <- result{string(b), err}
		}()
	}
	for range inFlight {
		<-entered
	}
	stop() // as SIGTERM does
	// The listener closes before the drain ends: new connections are refused.
	for {
		c, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second)
		if err != nil {
			break
		}
		c.Close()
		select {
		case err := <-served:
			t.Fatalf("Serve returned %v with requests in flight", err)
		default:
		}
	}
	select {
	case err := <-served:
		t.Fatalf("Serve returned %v before the in-flight requests finished", err)
	default:
	}
	close(release)
	for range inFlight {
		r := <-results
		if r.err != nil || r.body != "finished" {
			t.Fatalf("in-flight request: %q %v", r.body, r.err)
		}
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve: %v", err)
	}
}

func TestShutdownGivesUpAfterTheDrainTimeout(t *testing.T) {
	entered := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-r.Context().Done()
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, New(h), ln, 50*time.Millisecond) }()
	go http.Get("http://" + ln.Addr().String())
	<-entered
	stop()
	if err := <-served; !errors.Is(err, ErrDrainTimeout) {
		t.Fatalf("Serve: %v, want ErrDrainTimeout", err)
	}
}
