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

func get(t *testing.T, h http.Handler, target, remote string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.RemoteAddr = remote
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
