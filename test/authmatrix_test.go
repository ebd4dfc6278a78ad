package test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/progresskit/progresskit/internal/testenv"
	"github.com/progresskit/progresskit/service/api/routes"
	"github.com/progresskit/progresskit/service/auth"
	"github.com/progresskit/progresskit/service/settings"
)

// protectedRequests is one request for every method of every route that
// needs a token, on learner user's data.
func protectedRequests(user string) []struct{ method, path, body string } {
	var out []struct{ method, path, body string }
	for _, rt := range routes.All {
		if rt.Public {
			continue
		}
		path := strings.NewReplacer("{userId}", user, "{courseId}", "c1").Replace(rt.Pattern)
		body := ""
		if rt.Method == http.MethodPost {
			body = `{"events":[{"id":"m1","lessonId":"l1","type":"complete","occurredAt":"` + time.Now().UTC().Format(time.RFC3339) + `","device":"web"}]}`
		}
		out = append(out, struct{ method, path, body string }{rt.Method, path, body})
	}
	return out
}

// expectOnEveryRoute sends token to every protected route of user's data
// and checks each answer is status (or, with status 0, not refused).
func expectOnEveryRoute(t *testing.T, base, user, token string, status int) {
	t.Helper()
	for _, r := range protectedRequests(user) {
		req, _ := http.NewRequest(r.method, base+r.path, strings.NewReader(r.body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		refused := resp.StatusCode == 401 || resp.StatusCode == 403
		if status != 0 && resp.StatusCode != status || status == 0 && (refused || resp.StatusCode >= 500) {
			t.Errorf("%s %s: %d, want %d", r.method, r.path, resp.StatusCode, status)
		}
	}
}

// tamper replaces a signed token's payload, keeping its signature.
func tamper(t *testing.T, token string, edit func(map[string]any)) string {
	t.Helper()
	parts := strings.Split(token, ".")
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims map[string]any
	json.Unmarshal(raw, &claims)
	edit(claims)
	b, _ := json.Marshal(claims)
	parts[1] = base64.RawURLEncoding.EncodeToString(b)
	return strings.Join(parts, ".")
}

// The auth negative matrix: every token that must be refused is refused on
// every protected route of the server (jwks mode), and no token, password
// or key reaches its logs.
func TestAuthNegativeMatrixOnEveryRoute(t *testing.T) {
	iss := testenv.NewIssuer(t, "127.0.0.1:0")
	const dbPassword = "do-not-log-this-password"
	store := strings.Replace(testenv.PostgresDB(t), "postgres@", "postgres:"+dbPassword+"@", 1)
	dir := t.TempDir()
	srv := startServer(t, dir, nil, "--auth", settings.AuthJWKS, "--jwks-url", iss.JWKSURL, "--issuer", iss.Issuer,
		"--audience", iss.Audience, "--store", store)
	valid := iss.Token(t, "ada", false)
	past := func(c *auth.Claims, _ map[string]any) {
		c.IssuedAt, c.ExpiresAt = jwt.NewNumericDate(time.Now().Add(-3*time.Hour)), jwt.NewNumericDate(time.Now().Add(-2*time.Hour))
	}
	hsWithPublicKey := func() string {
		tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "ada", "iss": iss.Issuer, "client_id": iss.Audience, "exp": time.Now().Add(time.Hour).Unix()})
		tok.Header["kid"] = "test-1"
		s, err := tok.SignedString(iss.PublicKeyPEM(t))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}()
	unsigned := func(claims jwt.MapClaims) string {
		s, err := jwt.NewWithClaims(jwt.SigningMethodNone, claims).SignedString(jwt.UnsafeAllowNoneSignatureType)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	cases := map[string]struct {
		token  string
		status int
	}{
		"no token":        {"", 401},
		"not a JWT":       {"not-a-token", 401},
		"expired":         {iss.TokenWith(t, "ada", past), 401},
		"not yet valid":   {iss.TokenWith(t, "ada", func(c *auth.Claims, _ map[string]any) { c.NotBefore = jwt.NewNumericDate(time.Now().Add(time.Hour)) }), 401},
		"wrong issuer":    {iss.TokenWith(t, "ada", func(c *auth.Claims, _ map[string]any) { c.Issuer = "https://evil.example.com/pool" }), 401},
		"wrong client id": {iss.TokenWith(t, "ada", func(c *auth.Claims, _ map[string]any) { c.ClientID = "someone-elses-app" }), 401},
		"wrong audience": {iss.TokenWith(t, "ada", func(c *auth.Claims, _ map[string]any) {
			c.ClientID, c.Audience = "", jwt.ClaimStrings{"someone-elses-app"}
		}), 401},
		"alg none":                          {unsigned(jwt.MapClaims{"sub": "ada", "iss": iss.Issuer, "client_id": iss.Audience, "exp": time.Now().Add(time.Hour).Unix()}), 401},
		"HS256 with the RS256 key":          {hsWithPublicKey, 401},
		"unknown kid":                       {iss.TokenWith(t, "ada", func(_ *auth.Claims, h map[string]any) { h["kid"] = "someone-else" }), 401},
		"admin group in a tampered payload": {tamper(t, valid, func(c map[string]any) { c["cognito:groups"] = []string{settings.AdminGroup}; c["sub"] = "grace" }), 401},
		"admin group, unsigned":             {unsigned(jwt.MapClaims{"sub": "ops", "iss": iss.Issuer, "client_id": iss.Audience, "cognito:groups": []string{settings.AdminGroup}, "exp": time.Now().Add(time.Hour).Unix()}), 401},
		"another learner's id":              {valid, 403},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			// Every token is for ada, or for nobody; the data is grace's.
			expectOnEveryRoute(t, srv.URL, "grace", c.token, c.status)
		})
	}
	// The valid token works, so the refusals above are the tokens' doing.
	expectOnEveryRoute(t, srv.URL, "ada", valid, 0)
	if code := srv.stop(t); code != 0 {
		t.Fatalf("exit %d", code)
	}
	logs := srv.Logs()
	secrets := []string{dbPassword, strings.Split(valid, ".")[2]}
	for _, c := range cases {
		if c.token != "" && strings.Count(c.token, ".") == 2 && len(strings.Split(c.token, ".")[2]) > 0 {
			secrets = append(secrets, strings.Split(c.token, ".")[2])
		}
	}
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("the logs contain a secret (%.12s...):\n%s", s, logs)
		}
	}
	if !strings.Contains(logs, `"status":401`) && !strings.Contains(logs, "401") {
		t.Errorf("the logs recorded no refused request; nothing was scanned:\n%.2000s", logs)
	}
}

// A JWKS that cannot be fetched never opens the door: the server starts
// (the keys are fetched in the background) and refuses every token, even
// one its issuer signed.
func TestUnreachableJWKSNeverOpensTheDoor(t *testing.T) {
	iss := testenv.NewIssuer(t, "127.0.0.1:0")
	dir := t.TempDir()
	dead := "http://127.0.0.1:1/.well-known/jwks.json"
	srv := startServer(t, dir, nil, "--auth", settings.AuthJWKS, "--jwks-url", dead,
		"--issuer", iss.Issuer, "--audience", iss.Audience, "--store", "sqlite://"+filepath.Join(dir, "p.db"))
	for _, tok := range []string{iss.Token(t, "ada", false), iss.Token(t, "ops", true)} {
		expectOnEveryRoute(t, srv.URL, "ada", tok, http.StatusUnauthorized)
	}
}

// The Lambda runtime trusts API Gateway's JWT authorizer, and still
// refuses claims that do not entitle the caller: an event without an
// authorizer, another app's audience, no subject, another learner's data,
// a group that only resembles the admin group. Every protected route.
func TestLambdaClaimsMatrixOnEveryRoute(t *testing.T) {
	gw, _ := lambdaTarget(t, false)
	client := &http.Client{Transport: gw}
	cases := map[string]struct {
		claims map[string]string
		status int
	}{
		"no authorizer context":  {nil, 401},
		"another app's audience": {map[string]string{"sub": "ada", "aud": "someone-elses-app"}, 401},
		"no subject":             {map[string]string{"aud": auth.DevAudience}, 401},
		"another learner's data": {map[string]string{"sub": "ada", "aud": auth.DevAudience}, 403},
		"a group like admin's":   {map[string]string{"sub": "ops", "aud": auth.DevAudience, "cognito:groups": "[progress-admins]"}, 403},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			gw.claims = func(string) (map[string]string, bool) { return c.claims, true }
			for _, r := range protectedRequests("grace") {
				req, _ := http.NewRequest(r.method, "https://api.example.com"+r.path, strings.NewReader(r.body))
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != c.status {
					t.Errorf("%s %s: %d, want %d", r.method, r.path, resp.StatusCode, c.status)
				}
			}
		})
	}
}
