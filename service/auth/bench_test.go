package auth

import (
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// BenchmarkVerify is the cost of authenticating one request in each mode:
// an RS256 token against a JWKS, an HS256 dev token, and API Gateway's
// already-verified claims.
func BenchmarkVerify(b *testing.B) {
	f := newJWKSFixture(b)
	jwksToken := sign(b, jwt.SigningMethodRS256, "rsa1", f.rsaKey, validClaims())
	key := []byte("0123456789abcdef0123456789abcdef")
	devToken, err := DevToken(key, "user-1", false, time.Hour, time.Now())
	if err != nil {
		b.Fatal(err)
	}
	claims := map[string]string{"sub": "user-1", "aud": "web-client"}
	apigw, err := NewAPIGateway(func(*http.Request) (map[string]string, bool) { return claims, true }, []string{"web-client"})
	if err != nil {
		b.Fatal(err)
	}
	for _, m := range []struct {
		name  string
		a     Authenticator
		token string
	}{
		{"jwks", f.auth, jwksToken},
		{"dev", NewDev(key), devToken},
		{"apigw", apigw, ""},
	} {
		b.Run(m.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := authenticate(m.a, m.token); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
