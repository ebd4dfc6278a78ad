package api

import (
	"fmt"
	"log/slog"
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/progresskit/progresskit/service/api/routes"
	"github.com/progresskit/progresskit/service/auth"
	"github.com/progresskit/progresskit/service/ratelimit"
	"github.com/progresskit/progresskit/service/store"
)

// MaxBodyBytes caps a request body; 500 events fit in well under it.
const MaxBodyBytes = 1 << 20

// readyTimeout bounds the store check behind /readyz so a load balancer's
// health check never hangs on a dead database.
const readyTimeout = 2 * time.Second

// Option configures the handler.
type Option func(*handler)

// WithLogger sets the access and error log (default: slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(h *handler) { h.log = l } }

// WithClock sets the server clock that event times are checked against.
func WithClock(now func() time.Time) Option { return func(h *handler) { h.now = now } }

// WithRateLimiter refuses requests over lim's limits with 429 and
// Retry-After, before they reach the store (nil: no limit).
func WithRateLimiter(lim *ratelimit.Limiter) Option { return func(h *handler) { h.limiter = lim } }

type handler struct {
	limiter     *ratelimit.Limiter
	store       store.Store
	auth        auth.Authenticator
	log         *slog.Logger
	now         func() time.Time
	faultHeader string
}

// New returns the API's HTTP handler over s, authenticating with a.
func New(s store.Store, a auth.Authenticator, opts ...Option) http.Handler {
	h := &handler{store: s, auth: a, log: slog.Default(), now: time.Now}
	for _, o := range opts {
		o(h)
	}
	mux := http.NewServeMux()
	for pattern, ops := range h.operations() {
		mux.Handle(pattern, h.dispatch(ops))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, http.StatusNotFound, CodeNotFound, "no such route: see the API reference for the paths under /v1")
	})
	return observe(h.log, h.wrapFaults(mux))
}

// operation is a route of the table with the handler that serves it.
type operation struct {
	routes.Route
	serve http.HandlerFunc
}

// operations attaches a handler to every route of the table, by path and
// then method. A route without a handler, or a handler without a route,
// is a programming error that every test of the API meets first.
func (h *handler) operations() map[string]map[string]operation {
	serve := map[routes.Route]http.HandlerFunc{
		routes.Health:      h.healthz,
		routes.Ready:       h.readyz,
		routes.ListCourses: h.listCourses,
		routes.GetCourse:   h.getCourse,
		routes.ResetCourse: h.resetCourse,
		routes.PostEvents:  h.postEvents,
	}
	if len(serve) != len(routes.All) {
		panic(fmt.Sprintf("api: %d handlers for %d routes", len(serve), len(routes.All)))
	}
	byPath := map[string]map[string]operation{}
	for _, rt := range routes.All {
		f, ok := serve[rt]
		if !ok {
			panic("api: no handler for " + rt.Method + " " + rt.Pattern)
		}
		if byPath[rt.Pattern] == nil {
			byPath[rt.Pattern] = map[string]operation{}
		}
		byPath[rt.Pattern][rt.Method] = operation{Route: rt, serve: f}
	}
	return byPath
}

// dispatch answers a wrong method with a JSON 405 (the mux's own is plain
// text) and authenticates every non-public route before its handler runs.
func (h *handler) dispatch(ops map[string]operation) http.Handler {
	allow := strings.Join(slices.Sorted(maps.Keys(ops)), ", ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		op, ok := ops[r.Method]
		if !ok {
			w.Header().Set("Allow", allow)
			writeError(w, r, http.StatusMethodNotAllowed, CodeMethodNotAllowed, r.Method+" is not allowed here; allowed: "+allow)
			return
		}
		if !op.Public && !h.authorize(w, r) {
			return
		}
		if !op.Public {
			if wait := h.limiter.Allow(r.PathValue("userId")); wait > 0 {
				w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
				writeError(w, r, http.StatusTooManyRequests, CodeRateLimited, "too many requests; retry after Retry-After seconds")
				return
			}
		}
		op.serve(w, r)
	})
}
