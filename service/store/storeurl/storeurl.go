package storeurl

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/progresskit/progresskit/service/store"
)

// DefaultURL is the local default: an embedded SQLite file under ./var.
const DefaultURL = "sqlite://var/progress.db"

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

// driver opens the stores of its schemes. Each store's driver registers
// itself from a file of its own, which a build tag leaves out (nosqlite,
// nopostgres, nodynamodb): a deployed binary links only the store it
// serves.
type driver struct {
	schemes []string
	form    string // the URL's form, for help and errors
	open    func(ctx context.Context, scheme, rawURL string, o Options) (store.Store, error)
}

var drivers []driver

func register(d driver) { drivers = append(drivers, d) }

// Schemes lists the URL forms this binary accepts, for help and errors.
func Schemes() string {
	forms := make([]string, len(drivers))
	for i, d := range drivers {
		forms[i] = d.form
	}
	return strings.Join(forms, ", ")
}

// Open opens the store that rawURL names.
func Open(ctx context.Context, rawURL string, o Options) (store.Store, error) {
	scheme, _, ok := strings.Cut(rawURL, "://")
	if !ok {
		return nil, fmt.Errorf("store URL %q has no scheme; use one of %s", Redact(rawURL), Schemes())
	}
	for _, d := range drivers {
		if slices.Contains(d.schemes, scheme) {
			return d.open(ctx, scheme, rawURL, o)
		}
	}
	return nil, fmt.Errorf("store URL scheme %q is not supported by this binary; use one of %s", scheme, Schemes())
}

// Redact hides a password in a URL before it reaches a log or an error.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparseable URL>"
	}
	return u.Redacted()
}
