package storeurl

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/progresskit/progresskit/service/store"
	"github.com/progresskit/progresskit/service/store/sqlitestore"
)

// DefaultURL is the local default: an embedded SQLite file under ./var.
const DefaultURL = "sqlite://var/progress.db"

// Schemes lists the accepted URL forms, for error messages and help.
const Schemes = "sqlite://PATH"

// Open opens the store that rawURL names.
func Open(ctx context.Context, rawURL string) (store.Store, error) {
	scheme, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		return nil, fmt.Errorf("store URL %q has no scheme; use one of %s", Redact(rawURL), Schemes)
	}
	switch scheme {
	case "sqlite":
		path, _, _ := strings.Cut(rest, "?")
		return sqlitestore.Open(ctx, path)
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
