package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/progresskit/progresskit/service/api"
	"github.com/progresskit/progresskit/service/auth"
	"github.com/progresskit/progresskit/service/httpserver"
	"github.com/progresskit/progresskit/service/ratelimit"
	"github.com/progresskit/progresskit/service/settings"
	"github.com/progresskit/progresskit/service/store/storeurl"
	"github.com/progresskit/progresskit/service/web/demo"
)

// demoTokenTTL bounds a demo page's token; the page asks again on reload.
const demoTokenTTL = 12 * time.Hour

// DefaultAddr keeps a first run private to this machine.
var DefaultAddr = "127.0.0.1:" + strconv.Itoa(settings.Port)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	addr := fs.String(settings.Addr.Flag, DefaultAddr, "address to listen on")
	storeURL := fs.String(settings.Store.Flag, storeurl.DefaultURL, "store URL: "+storeurl.Schemes)
	mode := fs.String(settings.Auth.Flag, settings.AuthDev, "auth mode: jwks or dev (dev only on a loopback address)")
	devKey := fs.String(settings.DevKeyFile.Flag, auth.DefaultDevKeyFile, "HS256 key file for --auth dev (created on first start)")
	jwksURL := fs.String(settings.JWKSURL.Flag, "", "JWKS URL for --auth jwks")
	issuer := fs.String(settings.Issuer.Flag, "", "expected token issuer (iss) for --auth jwks")
	audience := fs.String(settings.Audience.Flag, "", "expected audiences (aud or client_id), comma-separated, for --auth jwks")
	drain := fs.Duration(settings.DrainTimeout.Flag, httpserver.DefaultDrainTimeout, "how long SIGTERM waits for in-flight requests")
	pgConns := fs.Int(settings.PGMaxConns.Flag, 0, "PostgreSQL pool size (default: the URL's pool_max_conns, else 10)")
	level := fs.String(settings.LogLevel.Flag, "info", "debug, info, warn or error")
	globalRate := fs.Int(settings.RateLimit.Flag, 0, "requests per second the whole server admits before answering 429 (0: no limit)")
	globalBurst := fs.Int(settings.RateBurst.Flag, 0, "burst of --rate-limit (default: twice the rate)")
	userRate := fs.Int(settings.UserRateLimit.Flag, ratelimit.DefaultPerUser, "requests per second one learner's data admits before 429 (0: no limit)")
	userBurst := fs.Int(settings.UserRateBurst.Flag, ratelimit.DefaultPerUserBurst, "burst of --user-rate-limit")
	demoOn := fs.Bool(settings.Demo.Flag, false, "serve the course-player demo at "+demo.Path+" (with --auth dev only)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *demoOn && *mode != settings.AuthDev {
		fmt.Fprintf(stderr, "progress serve: --demo needs --auth dev: the demo page signs itself in with a dev token, which no deployment may hand out\n")
		return errUsage
	}
	if *globalRate < 0 || *globalBurst < 0 || *userRate < 0 || *userBurst < 0 {
		fmt.Fprintln(stderr, "progress serve: rate limits and bursts must not be negative")
		return errUsage
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*level)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: lvl}))

	authn, err := newAuthenticator(ctx, log, *mode, *addr, *devKey, *jwksURL, *issuer, *audience)
	if err != nil {
		return err
	}
	st, err := storeurl.Open(ctx, *storeURL, storeurl.Options{PGMaxConns: *pgConns})
	if err != nil {
		return err
	}
	defer st.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	limiter := ratelimit.New(ratelimit.Limits{Global: *globalRate, GlobalBurst: cmp.Or(*globalBurst, 2**globalRate), PerUser: *userRate, PerUserBurst: *userBurst})
	var h http.Handler = api.New(st, authn, api.WithLogger(log), api.WithRateLimiter(limiter))
	if *demoOn {
		if h, err = withDemo(h, *devKey); err != nil {
			return err
		}
		log.Info("demo page", "url", "http://"+ln.Addr().String()+demo.Path)
	}
	srv := httpserver.New(h)
	log.Info("serving", "addr", ln.Addr().String(), "auth", *mode, "store", storeurl.Redact(*storeURL))
	err = httpserver.Serve(ctx, srv, ln, *drain)
	if err != nil {
		log.Error("server stopped", "error", err.Error())
		return err
	}
	log.Info("drained and stopped")
	return nil
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

func newAuthenticator(ctx context.Context, log *slog.Logger, mode, addr, devKey, jwksURL, issuer, audience string) (auth.Authenticator, error) {
	switch mode {
	case settings.AuthDev:
		if !isLoopback(addr) {
			return nil, fmt.Errorf("--auth dev is refused on %s: dev tokens are for this machine only; listen on 127.0.0.1 or use --auth jwks", addr)
		}
		key, err := auth.LoadOrCreateDevKey(devKey)
		if err != nil {
			return nil, err
		}
		log.Warn("DEV AUTH: tokens are signed with a local key; never use this mode in a deployment", "dev_key_file", devKey)
		return auth.NewDev(key), nil
	case settings.AuthJWKS:
		return auth.NewJWKS(ctx, jwksURL, issuer, auth.ParseAudiences(audience))
	case settings.AuthAPIGW:
		return nil, errors.New("--auth apigw is only for the Lambda runtime, behind API Gateway's JWT authorizer")
	default:
		return nil, fmt.Errorf("--auth %q is not a mode; use jwks or dev (there is no mode without authentication)", mode)
	}
}

func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
