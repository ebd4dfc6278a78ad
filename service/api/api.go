package api

import (
	"log/slog"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/progresskit/progresskit/service/auth"
	"github.com/progresskit/progresskit/service/ratelimit"
	"github.com/progresskit/progresskit/service/settings"
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

// Route is one path of the API and the methods it answers.
type Route struct {
	Pattern string
	Methods []string
	Public  bool // served without a token
	serve   map[string]http.HandlerFunc
}

// New returns the API's HTTP handler over s, authenticating with a.
func New(s store.Store, a auth.Authenticator, opts ...Option) http.Handler {
	h := &handler{store: s, auth: a, log: slog.Default(), now: time.Now}
	for _, o := range opts {
		o(h)
	}
	mux := http.NewServeMux()
	for _, rt := range h.routes() {
		mux.Handle(rt.Pattern, h.dispatch(rt))
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, http.StatusNotFound, CodeNotFound, "no such route: see the API reference for the paths under /v1")
	})
	return observe(h.log, h.wrapFaults(mux))
}

// Routes lists the API's routes, for documentation checks.
func Routes() []Route { return (&handler{}).routes() }

func (h *handler) routes() []Route {
	rts := []Route{
		{Pattern: settings.HealthPath, Public: true, serve: map[string]http.HandlerFunc{http.MethodGet: h.healthz}},
		{Pattern: settings.ReadyPath, Public: true, serve: map[string]http.HandlerFunc{http.MethodGet: h.readyz}},
		{Pattern: "/v1/users/{userId}/courses", serve: map[string]http.HandlerFunc{http.MethodGet: h.listCourses}},
		{Pattern: "/v1/users/{userId}/courses/{courseId}", serve: map[string]http.HandlerFunc{
			http.MethodGet: h.getCourse, http.MethodDelete: h.resetCourse}},
		{Pattern: "/v1/users/{userId}/courses/{courseId}/events", serve: map[string]http.HandlerFunc{http.MethodPost: h.postEvents}},
	}
	for i := range rts {
		for m := range rts[i].serve {
			rts[i].Methods = append(rts[i].Methods, m)
		}
		slices.Sort(rts[i].Methods)
	}
	return rts
}

// dispatch answers a wrong method with a JSON 405 (the mux's own is plain
// text) and authenticates every non-public route before its handler runs.
func (h *handler) dispatch(rt Route) http.Handler {
	allow := strings.Join(rt.Methods, ", ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		serve, ok := rt.serve[r.Method]
		if !ok {
			w.Header().Set("Allow", allow)
			writeError(w, r, http.StatusMethodNotAllowed, CodeMethodNotAllowed, r.Method+" is not allowed here; allowed: "+allow)
			return
		}
		if !rt.Public && !h.authorize(w, r) {
			return
		}
		if !rt.Public {
			if wait := h.limiter.Allow(r.PathValue("userId")); wait > 0 {
				w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
				writeError(w, r, http.StatusTooManyRequests, CodeRateLimited, "too many requests; retry after Retry-After seconds")
				return
			}
		}
		serve(w, r)
	})
}
