package demo

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func mint(user string) (string, error) { return "token-for-" + user, nil }

// get requests target as the demo page on this machine does: from remote,
// to Host 127.0.0.1:8080, with no Origin (a same-origin GET sends none).
func get(t *testing.T, h http.Handler, target, remote string) *http.Response {
	t.Helper()
	return getWith(t, h, target, remote, "127.0.0.1:8080", "")
}

func getWith(t *testing.T, h http.Handler, target, remote, host, origin string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.RemoteAddr = remote
	req.Host = host
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func TestTokensOnlyForThisMachine(t *testing.T) {
	h := Handler(mint)
	for _, remote := range []string{"127.0.0.1:5000", "[::1]:5000"} {
		res := get(t, h, TokenPath+"?user=learner-1", remote)
		var body struct{ Token, UserID string }
		json.NewDecoder(res.Body).Decode(&body)
		if res.StatusCode != http.StatusOK || body.Token != "token-for-learner-1" || res.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("from %s: %d %+v", remote, res.StatusCode, body)
		}
	}
	for _, remote := range []string{"192.168.1.20:5000", "[2001:db8::1]:5000", "not-an-address"} {
		res := get(t, h, TokenPath+"?user=learner-1", remote)
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusForbidden || strings.Contains(string(b), "token-for") {
			t.Errorf("from %s: %d %s", remote, res.StatusCode, b)
		}
	}
	for _, user := range []string{"", "a/b", strings.Repeat("x", 129)} {
		if res := get(t, h, TokenPath+"?user="+user, "127.0.0.1:1"); res.StatusCode != http.StatusBadRequest {
			t.Errorf("user %q: %d", user, res.StatusCode)
		}
	}
}

// DNS rebinding: a page on another site that points its own name at
// 127.0.0.1 reaches the server from loopback, but its requests still name
// that site in Host (and, for a cross-origin fetch, in Origin).
func TestTokensRefuseOtherSitesReachingThisMachine(t *testing.T) {
	h := Handler(mint)
	const remote = "127.0.0.1:5000"
	ok := func(host, origin string) {
		t.Helper()
		res := getWith(t, h, TokenPath+"?user=learner-1", remote, host, origin)
		var body struct{ Token string }
		json.NewDecoder(res.Body).Decode(&body)
		if res.StatusCode != http.StatusOK || body.Token != "token-for-learner-1" {
			t.Errorf("Host %q Origin %q: %d %+v, want a token", host, origin, res.StatusCode, body)
		}
	}
	refused := func(host, origin string) {
		t.Helper()
		res := getWith(t, h, TokenPath+"?user=learner-1", remote, host, origin)
		b, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusForbidden || strings.Contains(string(b), "token-for") {
			t.Errorf("Host %q Origin %q: %d %s, want 403 and no token", host, origin, res.StatusCode, b)
		}
	}
	for _, host := range []string{"localhost", "localhost:8080", "LocalHost:8080", "127.0.0.1", "127.0.0.1:8080", "127.4.5.6:80", "[::1]", "[::1]:8080"} {
		ok(host, "")
	}
	for _, origin := range []string{"http://localhost:8080", "http://127.0.0.1:8080", "http://[::1]:8080", "https://localhost", "http://127.0.0.1"} {
		ok("127.0.0.1:8080", origin)
	}
	for _, host := range []string{"evil.example", "evil.example:8080", "localhost.evil.example", "127.0.0.1.evil.example:8080", "192.168.1.20:8080", "0.0.0.0:8080", "", "[::1"} {
		refused(host, "")
	}
	for _, origin := range []string{"http://evil.example", "http://evil.example:8080", "https://localhost.evil.example", "null", "file://", "http://192.168.1.20:8080", "ftp://127.0.0.1", "http://user@evil.example", "http://user@127.0.0.1:8080", "http://127.0.0.1:8080/demo/", "http://127.0.0.1:8080?x"} {
		refused("127.0.0.1:8080", origin)
	}
	// The rebinding page itself: its name in both.
	refused("evil.example:8080", "http://evil.example:8080")
}

func TestThePageAndItsScriptAreServedUnderAStrictPolicy(t *testing.T) {
	h := Handler(mint)
	page := get(t, h, Path, "127.0.0.1:1")
	html, _ := io.ReadAll(page.Body)
	if page.StatusCode != http.StatusOK || !strings.Contains(string(html), `src="demo.js"`) {
		t.Fatalf("page: %d", page.StatusCode)
	}
	if csp := page.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("policy %q", csp)
	}
	script := get(t, h, Path+"demo.js", "127.0.0.1:1")
	js, _ := io.ReadAll(script.Body)
	if script.StatusCode != http.StatusOK || !strings.Contains(script.Header.Get("Content-Type"), "javascript") || !strings.Contains(string(js), "progressDemo") {
		t.Errorf("script: %d %s, %d bytes", script.StatusCode, script.Header.Get("Content-Type"), len(js))
	}
	if res := get(t, h, Path+"missing.js", "127.0.0.1:1"); res.StatusCode != http.StatusNotFound {
		t.Errorf("missing file: %d", res.StatusCode)
	}
}
