package testenv

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/golang-jwt/jwt/v5"

	"github.com/progresskit/progresskit/service/auth"
	"github.com/progresskit/progresskit/service/settings"
)

// Issuer is a local OIDC-style token issuer: an RSA key whose JWKS is
// served over HTTP, for testing --auth jwks end to end.
type Issuer struct {
	JWKSURL  string
	Issuer   string
	Audience string
	key      *rsa.PrivateKey
}

// NewIssuer serves a JWKS on addr ("127.0.0.1:0" for loopback only, or
// "0.0.0.0:0" when a container must reach it) until the test ends.
func NewIssuer(t testing.TB, addr string) *Issuer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	jwk, err := jwkset.NewJWKFromKey(&key.PublicKey, jwkset.JWKOptions{Metadata: jwkset.JWKMetadataOptions{KID: "test-1", ALG: jwkset.AlgRS256, USE: jwkset.UseSig}})
	if err != nil {
		t.Fatal(err)
	}
	set := jwkset.NewMemoryStorage()
	set.KeyWrite(context.Background(), jwk)
	body, err := set.JSONPublic(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}))
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return &Issuer{JWKSURL: srv.URL + "/.well-known/jwks.json", Issuer: "https://issuer.progresskit.test/pool", Audience: "app-client-web", key: key}
}

// Token signs an RS256 access token for sub, as Cognito would (client_id).
func (i *Issuer) Token(t testing.TB, sub string, admin bool) string {
	t.Helper()
	now := time.Now()
	c := auth.Claims{RegisteredClaims: jwt.RegisteredClaims{
		Subject: sub, Issuer: i.Issuer, IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour)),
	}, ClientID: i.Audience}
	if admin {
		c.Groups = []string{settings.AdminGroup}
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, c)
	tok.Header["kid"] = "test-1"
	s, err := tok.SignedString(i.key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
