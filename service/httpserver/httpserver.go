package httpserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Timeouts of the server. WriteTimeout must exceed the slowest store write
// (including the stores' own retries); ReadHeaderTimeout stops slowloris.
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 15 * time.Second
	WriteTimeout      = 30 * time.Second
	IdleTimeout       = 120 * time.Second
	// DefaultDrainTimeout fits inside the 30 s that ECS, systemd units and
	// Kubernetes give a process between SIGTERM and SIGKILL.
	DefaultDrainTimeout = 25 * time.Second
)

// New returns a server for h with the timeouts above.
func New(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    64 << 10,
	}
}

// ErrDrainTimeout means requests were still running when the drain ended.
var ErrDrainTimeout = errors.New("drain timed out with requests still in flight")

// Serve serves on ln until ctx is done, then stops accepting connections and
// waits up to drain for in-flight requests to finish.
func Serve(ctx context.Context, srv *http.Server, ln net.Listener, drain time.Duration) error {
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("http server: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
		if errors.Is(err, context.DeadlineExceeded) {
			return ErrDrainTimeout
		}
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
