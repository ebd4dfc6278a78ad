package testenv

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
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

// TokenWith signs an RS256 token for sub after edit has changed its claims
// and header, for tests of what must be refused (expired, other issuer,
// unknown kid...).
func (i *Issuer) TokenWith(t testing.TB, sub string, edit func(c *auth.Claims, header map[string]any)) string {
	t.Helper()
	now := time.Now()
	c := auth.Claims{RegisteredClaims: jwt.RegisteredClaims{
		Subject: sub, Issuer: i.Issuer, IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour)),
	}, ClientID: i.Audience}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, &c)
	tok.Header["kid"] = "test-1"
	edit(&c, tok.Header)
	s, err := tok.SignedString(i.key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// PublicKeyPEM is the issuer's public key, which an attacker has: the
// secret of the HS256-with-the-RS256-key confusion attack.
func (i *Issuer) PublicKeyPEM(t testing.TB) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(&i.key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}
