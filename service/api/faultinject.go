//go:build faultinject

package api

import "net/http"

// WithFaultInjection makes a request carrying header with the value
// "panic" panic inside the handler, so a test of a packaged runtime can
// check that a panic becomes a 500 and the process keeps serving. It exists
// only in binaries built with -tags faultinject, which only the tests
// build: what is deployed cannot be made to fail on request.
func WithFaultInjection(header string) Option { return func(h *handler) { h.faultHeader = header } }

func (h *handler) wrapFaults(next http.Handler) http.Handler {
	if h.faultHeader == "" {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(h.faultHeader) == "panic" {
			panic("fault injected by " + h.faultHeader)
		}
		next.ServeHTTP(w, r)
	})
}
