// Package serve is the progress server's runtime, the one both of its
// commands run: the deployed server (service/cmd/server) and the CLI's
// 'progress serve' for local development. It holds the flags and their
// environment twins, the choice of authentication, opening the store, and
// the drain on SIGTERM, so the two cannot drift apart; the CLI adds only
// the demo page, which no deployment serves.
package serve

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
	"github.com/progresskit/progresskit/service/internal/envflag"
	"github.com/progresskit/progresskit/service/ratelimit"
	"github.com/progresskit/progresskit/service/settings"
	"github.com/progresskit/progresskit/service/store/storeurl"
)

// DefaultAddr keeps a first run private to this machine.
var DefaultAddr = "127.0.0.1:" + strconv.Itoa(settings.Port)

// Flags are the server's settings as parsed from its flag set.
type Flags struct {
	fs                                                                 *envflag.FlagSet
	Addr, Store, Auth, DevKeyFile, JWKSURL, Issuer, Audience, LogLevel *string
	Drain                                                              *time.Duration
	PGMaxConns, RateLimit, RateBurst, UserRateLimit, UserRateBurst     *int
}

// Define adds the server's flags to fs; a command adds its own beside them
// before parsing.
func Define(fs *envflag.FlagSet) *Flags {
	return &Flags{
		fs:            fs,
		Addr:          fs.String(settings.Addr.Flag, DefaultAddr, "address to listen on"),
		Store:         fs.String(settings.Store.Flag, storeurl.DefaultURL, "store URL: "+storeurl.Schemes()),
		Auth:          fs.String(settings.Auth.Flag, settings.AuthDev, "auth mode: jwks or dev (dev only on a loopback address)"),
		DevKeyFile:    fs.String(settings.DevKeyFile.Flag, auth.DefaultDevKeyFile, "HS256 key file for --auth dev (created on first start)"),
		JWKSURL:       fs.String(settings.JWKSURL.Flag, "", "JWKS URL for --auth jwks"),
		Issuer:        fs.String(settings.Issuer.Flag, "", "expected token issuer (iss) for --auth jwks"),
		Audience:      fs.String(settings.Audience.Flag, "", "expected audiences (aud or client_id), comma-separated, for --auth jwks"),
		Drain:         fs.Duration(settings.DrainTimeout.Flag, httpserver.DefaultDrainTimeout, "how long SIGTERM waits for in-flight requests"),
		PGMaxConns:    fs.Int(settings.PGMaxConns.Flag, 0, "PostgreSQL pool size (default: the URL's pool_max_conns, else 10)"),
		LogLevel:      fs.String(settings.LogLevel.Flag, "info", "debug, info, warn or error"),
		RateLimit:     fs.Int(settings.RateLimit.Flag, 0, "requests per second the whole server admits before answering 429 (0: no limit)"),
		RateBurst:     fs.Int(settings.RateBurst.Flag, 0, "burst of --rate-limit (default: twice the rate)"),
		UserRateLimit: fs.Int(settings.UserRateLimit.Flag, ratelimit.DefaultPerUser, "requests per second one learner's data admits before 429 (0: no limit)"),
		UserRateBurst: fs.Int(settings.UserRateBurst.Flag, ratelimit.DefaultPerUserBurst, "burst of --user-rate-limit"),
	}
}

// Wrap puts a handler in front of the API once the server has its
// listener and log, for what only one command serves (the CLI's demo).
type Wrap func(apiHandler http.Handler, addr net.Addr, log *slog.Logger) (http.Handler, error)

// Run serves the API with f's settings, logging JSON lines to stderr, until
// ctx is done; then it stops accepting, drains in-flight requests for up to
// --drain-timeout and closes the store. wrap may be nil. A setting no
// server may start with is an envflag.ErrUsage, explained on stderr.
func Run(ctx context.Context, f *Flags, stderr io.Writer, wrap Wrap) error {
	if *f.RateLimit < 0 || *f.RateBurst < 0 || *f.UserRateLimit < 0 || *f.UserRateBurst < 0 {
		fmt.Fprintf(stderr, "%s: rate limits and bursts must not be negative\n", f.fs.Name())
		return envflag.ErrUsage
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*f.LogLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: lvl}))

	authn, err := newAuthenticator(ctx, log, *f.Auth, *f.Addr, *f.DevKeyFile, *f.JWKSURL, *f.Issuer, *f.Audience)
	if err != nil {
		return err
	}
	st, err := storeurl.Open(ctx, *f.Store, storeurl.Options{PGMaxConns: *f.PGMaxConns})
	if err != nil {
		return err
	}
	defer st.Close()
	ln, err := net.Listen("tcp", *f.Addr)
	if err != nil {
		return err
	}
	limiter := ratelimit.New(ratelimit.Limits{Global: *f.RateLimit, GlobalBurst: cmp.Or(*f.RateBurst, 2**f.RateLimit), PerUser: *f.UserRateLimit, PerUserBurst: *f.UserRateBurst})
	var h http.Handler = api.New(st, authn, api.WithLogger(log), api.WithRateLimiter(limiter))
	if wrap != nil {
		if h, err = wrap(h, ln.Addr(), log); err != nil {
			ln.Close()
			return err
		}
	}
	srv := httpserver.New(h)
	log.Info("serving", "addr", ln.Addr().String(), "auth", *f.Auth, "store", storeurl.Redact(*f.Store))
	err = httpserver.Serve(ctx, srv, ln, *f.Drain)
	if err != nil {
		log.Error("server stopped", "error", err.Error())
		return err
	}
	log.Info("drained and stopped")
	return nil
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
