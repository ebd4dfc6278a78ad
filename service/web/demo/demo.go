package demo

import (
	"embed"
	"encoding/json"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/progresskit/progresskit/service/progress"
)

// Path is where the page is served.
const Path = "/demo/"

// TokenPath answers the page's request for a dev token.
const TokenPath = Path + "token"

//go:embed static
var static embed.FS

// Minter signs a development token for a learner.
type Minter func(userID string) (string, error)

// contentSecurityPolicy allows the page's own files and its same-origin
// API calls, nothing else.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Handler serves the page under Path and dev tokens at TokenPath.
func Handler(mint Minter) http.Handler {
	files, err := fs.Sub(static, "static")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	mux := http.NewServeMux()
	mux.Handle("GET "+Path, http.StripPrefix(Path, http.FileServerFS(files)))
	mux.HandleFunc("GET "+TokenPath, func(w http.ResponseWriter, r *http.Request) {
		tokenHandler(w, r, mint)
	})
	return securityHeaders(mux)
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}

// tokenHandler hands a dev token to a page on this machine only: the
// demo's stand-in for a sign-in. A loopback peer is not enough: a page on
// another site can point its own name at 127.0.0.1 (DNS rebinding) and
// reach this port from the browser, so the name it used (Host) and the
// page's origin (Origin, sent on cross-origin requests) must be loopback
// too.
func tokenHandler(w http.ResponseWriter, r *http.Request, mint Minter) {
	w.Header().Set("Cache-Control", "no-store")
	if !fromLoopback(r) || !loopbackHost(r.Host) || !loopbackOrigin(r.Header.Values("Origin")) {
		writeJSON(w, http.StatusForbidden, map[string]string{"error": "demo tokens are only for this machine"})
		return
	}
	user := r.URL.Query().Get("user")
	if !progress.ValidID(user) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "user " + progress.IDRule})
		return
	}
	tok, err := mint(user)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "could not sign a token"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"userId": user, "token": tok})
}

func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// loopbackHost reports whether hostport (a Host header: name or IP, with
// or without a port) names this machine: localhost or a loopback IP.
func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	} else if strings.HasPrefix(hostport, "[") && strings.HasSuffix(hostport, "]") {
		host = hostport[1 : len(hostport)-1]
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// loopbackOrigin reports whether the request carries no Origin (a
// same-origin GET sends none) or exactly one naming a loopback page.
func loopbackOrigin(origins []string) bool {
	switch len(origins) {
	case 0:
		return true
	case 1:
	default:
		return false
	}
	u, err := url.Parse(origins[0])
	if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
		return false
	}
	return loopbackHost(u.Host)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
