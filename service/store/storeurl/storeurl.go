package storeurl

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/progresskit/progresskit/service/store"
	"github.com/progresskit/progresskit/service/store/dynamostore"
	"github.com/progresskit/progresskit/service/store/pgstore"
	"github.com/progresskit/progresskit/service/store/sqlitestore"
)

// DefaultURL is the local default: an embedded SQLite file under ./var.
const DefaultURL = "sqlite://var/progress.db"

// Schemes lists the accepted URL forms, for error messages and help.
const Schemes = "sqlite://PATH, dynamodb://TABLE?region=R[&endpoint=URL], postgres://USER:PASS@HOST:PORT/DB?sslmode=..., postgres-secret://SECRET_ARN"

// Options tune how a store is opened.
type Options struct {
	// PGMaxConns sizes the PostgreSQL pool (0: the URL's or the default).
	PGMaxConns int
	// Init creates what the store needs (table, schema, file) when missing.
	// SQLite files and PostgreSQL migrations are always brought up to date;
	// a DynamoDB table is created only when Init is set, so a server never
	// creates infrastructure by itself.
	Init bool
}

// Open opens the store that rawURL names.
func Open(ctx context.Context, rawURL string, o Options) (store.Store, error) {
	scheme, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		return nil, fmt.Errorf("store URL %q has no scheme; use one of %s", Redact(rawURL), Schemes)
	}
	switch scheme {
	case "sqlite":
		path, _, _ := strings.Cut(rest, "?")
		return sqlitestore.Open(ctx, path)
	case "postgres", "postgresql":
		return pgstore.Open(ctx, rawURL, pgstore.Options{MaxConns: o.PGMaxConns, Migrate: true})
	case pgstore.SecretScheme:
		u, err := pgstore.ResolveSecretURL(ctx, rawURL)
		if err != nil {
			return nil, err
		}
		return pgstore.Open(ctx, u, pgstore.Options{MaxConns: o.PGMaxConns, Migrate: true})
	case "dynamodb":
		opts, err := dynamostore.ParseURL(rawURL)
		if err != nil {
			return nil, err
		}
		s, err := dynamostore.Open(ctx, opts)
		if err != nil {
			return nil, err
		}
		if o.Init {
			if err := s.Init(ctx); err != nil {
				return nil, err
			}
		}
		return s, nil
	default:
		return nil, fmt.Errorf("store URL scheme %q is not supported; use one of %s", scheme, Schemes)
	}
}

// Redact hides a password in a URL before it reaches a log or an error.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparseable URL>"
	}
	return u.Redacted()
}
