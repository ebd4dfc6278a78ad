package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/progresskit/progresskit/service/auth"
	"github.com/progresskit/progresskit/service/internal/serve"
	"github.com/progresskit/progresskit/service/settings"
	"github.com/progresskit/progresskit/service/web/demo"
)

// demoTokenTTL bounds a demo page's token; the page asks again on reload.
const demoTokenTTL = 12 * time.Hour

// runServe is the deployed server's runtime (service/cmd/server) plus the
// demo page, for 'make run' on a developer's machine.
func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	f := serve.Define(fs)
	demoOn := fs.Bool(settings.Demo.Flag, false, "serve the course-player demo at "+demo.Path+" (with --auth dev only)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *demoOn && *f.Auth != settings.AuthDev {
		fmt.Fprintf(stderr, "progress serve: --demo needs --auth dev: the demo page signs itself in with a dev token, which no deployment may hand out\n")
		return errUsage
	}
	var wrap serve.Wrap
	if *demoOn {
		wrap = func(apiHandler http.Handler, addr net.Addr, log *slog.Logger) (http.Handler, error) {
			h, err := withDemo(apiHandler, *f.DevKeyFile)
			if err != nil {
				return nil, err
			}
			log.Info("demo page", "url", "http://"+addr.String()+demo.Path)
			return h, nil
		}
	}
	return serve.Run(ctx, f, stderr, wrap)
}

// withDemo serves the demo page beside the API, its tokens signed with the
// dev key the API verifies.
func withDemo(apiHandler http.Handler, devKeyFile string) (http.Handler, error) {
	key, err := auth.LoadOrCreateDevKey(devKeyFile)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle(demo.Path, demo.Handler(func(user string) (string, error) {
		return auth.DevToken(key, user, false, demoTokenTTL, time.Now())
	}))
	mux.Handle("/", apiHandler)
	return mux, nil
}
