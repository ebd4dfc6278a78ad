package auth

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"
	"github.com/progresskit/progresskit/service/settings"
)

const (
	testIssuer   = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_test"
	testAudience = "app-client-1"
)

type jwksFixture struct {
	rsaKey, otherRSA *rsa.PrivateKey
	ecKey            *ecdsa.PrivateKey
	auth             Authenticator
}

func newJWKSFixture(t testing.TB) *jwksFixture {
	t.Helper()
	f := &jwksFixture{}
	var err error
	if f.rsaKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		t.Fatal(err)
	}
	if f.otherRSA, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		t.Fatal(err)
	}
	if f.ecKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		t.Fatal(err)
	}
	set := jwkset.NewMemoryStorage()
	for kid, key := range map[string]any{"rsa1": &f.rsaKey.PublicKey, "ec1": &f.ecKey.PublicKey} {
		jwk, err := jwkset.NewJWKFromKey(key, jwkset.JWKOptions{Metadata: jwkset.JWKMetadataOptions{KID: kid}})
		if err != nil {
			t.Fatal(err)
		}
		if err := set.KeyWrite(context.Background(), jwk); err != nil {
			t.Fatal(err)
		}
	}
	body, err := set.JSONPublic(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if f.auth, err = NewJWKS(ctx, srv.URL, testIssuer, []string{"other-client", testAudience}); err != nil {
		t.Fatal(err)
	}
	return f
}

func validClaims() Claims {
	now := time.Now()
	return Claims{RegisteredClaims: jwt.RegisteredClaims{
		Subject: "user-1", Issuer: testIssuer, Audience: jwt.ClaimStrings{testAudience},
		IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour)),
	}}
}

func sign(t testing.TB, method jwt.SigningMethod, kid string, key any, c Claims) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, c)
	tok.Header["kid"] = kid
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func authenticate(a Authenticator, token string) (Principal, error) {
	r := httptest.NewRequest(http.MethodGet, "/v1/users/user-1/courses", nil)
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	return a.Authenticate(r)
}

func TestJWKS(t *testing.T) {
	f := newJWKSFixture(t)
	with := func(mut func(*Claims)) Claims { c := validClaims(); mut(&c); return c }
	ago := func(d time.Duration) *jwt.NumericDate { return jwt.NewNumericDate(time.Now().Add(-d)) }
	noneToken, _ := jwt.NewWithClaims(jwt.SigningMethodNone, validClaims()).SignedString(jwt.UnsafeAllowNoneSignatureType)
	pubPEMAsHMAC := sign(t, jwt.SigningMethodHS256, "rsa1", f.rsaKey.PublicKey.N.Bytes(), validClaims())

	cases := []struct {
		name   string
		token  string
		ok     bool
		admin  bool
		reason string
	}{
		{"RS256", sign(t, jwt.SigningMethodRS256, "rsa1", f.rsaKey, validClaims()), true, false, ""},
		{"ES256", sign(t, jwt.SigningMethodES256, "ec1", f.ecKey, validClaims()), true, false, ""},
		{"admin group", sign(t, jwt.SigningMethodRS256, "rsa1", f.rsaKey, with(func(c *Claims) { c.Groups = []string{"x", settings.AdminGroup} })), true, true, ""},
		{"cognito access token with client_id", sign(t, jwt.SigningMethodRS256, "rsa1", f.rsaKey, with(func(c *Claims) { c.Audience = nil; c.ClientID = testAudience })), true, false, ""},
		{"expired within leeway", sign(t, jwt.SigningMethodRS256, "rsa1", f.rsaKey, with(func(c *Claims) { c.ExpiresAt = ago(30 * time.Second) })), true, false, ""},
		{"expired", sign(t, jwt.SigningMethodRS256, "rsa1", f.rsaKey, with(func(c *Claims) { c.ExpiresAt = ago(2 * time.Minute) })), false, false, "expired"},
		{"no exp", sign(t, jwt.SigningMethodRS256, "rsa1", f.rsaKey, with(func(c *Claims) { c.ExpiresAt = nil })), false, false, "exp"},
		{"not yet valid", sign(t, jwt.SigningMethodRS256, "rsa1", f.rsaKey, with(func(c *Claims) { c.NotBefore = ago(-5 * time.Minute) })), false, false, "not valid yet"},
		{"wrong issuer", sign(t, jwt.SigningMethodRS256, "rsa1", f.rsaKey, with(func(c *Claims) { c.Issuer = "https://evil.example" })), false, false, "issuer"},
		{"wrong audience", sign(t, jwt.SigningMethodRS256, "rsa1", f.rsaKey, with(func(c *Claims) { c.Audience = jwt.ClaimStrings{"other-app"} })), false, false, "audience"},
		{"no subject", sign(t, jwt.SigningMethodRS256, "rsa1", f.rsaKey, with(func(c *Claims) { c.Subject = "" })), false, false, "subject"},
		{"alg none", noneToken, false, false, "signature"},
		{"HS256 with the public key", pubPEMAsHMAC, false, false, "signature"},
		{"wrong key", sign(t, jwt.SigningMethodRS256, "rsa1", f.otherRSA, validClaims()), false, false, "signature"},
		{"garbage", "not.a.jwt", false, false, "malformed"},
		{"missing", "", false, false, "missing bearer token"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := authenticate(f.auth, tc.token)
			if tc.ok {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				if p.Subject != "user-1" || p.Admin != tc.admin {
					t.Fatalf("principal = %+v", p)
				}
				return
			}
			if _, isAuthErr := err.(*Error); !isAuthErr || !strings.Contains(err.Error(), tc.reason) {
				t.Fatalf("got %v, want an auth error mentioning %q", err, tc.reason)
			}
		})
	}
}

func TestDevTokens(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "dev.key")
	key, err := LoadOrCreateDevKey(path)
	if err != nil {
		t.Fatal(err)
	}
	again, err := LoadOrCreateDevKey(path)
	if err != nil || string(again) != string(key) {
		t.Fatalf("key not persisted: %v", err)
	}
	a := NewDev(key)
	tok, err := DevToken(key, "ada", true, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	p, err := authenticate(a, tok)
	if err != nil || p.Subject != "ada" || !p.Admin {
		t.Fatalf("principal %+v, err %v", p, err)
	}
	other, _ := DevToken([]byte(strings.Repeat("k", 32)), "ada", false, time.Hour, time.Now())
	if _, err := authenticate(a, other); err == nil {
		t.Fatal("token signed with another key accepted")
	}
	expired, _ := DevToken(key, "ada", false, time.Minute, time.Now().Add(-time.Hour))
	if _, err := authenticate(a, expired); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("expired dev token: %v", err)
	}
	if !p.CanAccess("someone-else") || (Principal{Subject: "ada"}).CanAccess("bob") {
		t.Fatal("CanAccess rules broken")
	}
}

func TestAPIGatewayClaims(t *testing.T) {
	claims := map[string]string{}
	a, err := NewAPIGateway(func(*http.Request) (map[string]string, bool) { return claims, claims != nil }, []string{"web-client", "mobile-client"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		claims map[string]string
		ok     bool
		admin  bool
	}{
		{"id token aud", map[string]string{"sub": "user-1", "aud": "web-client"}, true, false},
		{"access token client_id", map[string]string{"sub": "user-1", "client_id": "mobile-client"}, true, false},
		{"flattened groups", map[string]string{"sub": "user-1", "aud": "web-client", "cognito:groups": "[teachers progress-admin]"}, true, true},
		{"json groups", map[string]string{"sub": "user-1", "aud": "web-client", "cognito:groups": `["progress-admin"]`}, true, true},
		{"group name is not a prefix match", map[string]string{"sub": "user-1", "aud": "web-client", "cognito:groups": "[progress-admins]"}, true, false},
		{"other audience", map[string]string{"sub": "user-1", "aud": "someone-else"}, false, false},
		{"no subject", map[string]string{"aud": "web-client"}, false, false},
		{"no claims", nil, false, false},
	}
	for _, tc := range cases {
		claims = tc.claims
		p, err := a.Authenticate(httptest.NewRequest("GET", "/", nil))
		if (err == nil) != tc.ok || (tc.ok && (p.Subject != "user-1" || p.Admin != tc.admin)) {
			t.Errorf("%s: %+v %v", tc.name, p, err)
		}
	}
}
