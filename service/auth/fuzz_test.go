package auth

import (
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// FuzzAuthenticate: no token, however malformed, panics or authenticates
// anyone but the subjects the test keys signed for, in jwks and dev mode.
func FuzzAuthenticate(f *testing.F) {
	fx := newJWKSFixture(f)
	key := []byte("0123456789abcdef0123456789abcdef")
	dev := NewDev(key)
	valid := sign(f, jwt.SigningMethodRS256, "rsa1", fx.rsaKey, validClaims())
	devTok, err := DevToken(key, "user-1", true, time.Hour, time.Now())
	if err != nil {
		f.Fatal(err)
	}
	noneTok := sign(f, jwt.SigningMethodNone, "rsa1", jwt.UnsafeAllowNoneSignatureType, validClaims())
	for _, s := range []string{valid, devTok, noneTok, "", "a.b.c", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", valid[:len(valid)-4]} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		for name, a := range map[string]Authenticator{"jwks": fx.auth, "dev": dev} {
			p, err := authenticate(a, token)
			if err != nil {
				continue
			}
			if p.Subject != "user-1" {
				t.Fatalf("%s accepted a token for %q: %q", name, p.Subject, token)
			}
			if name == "dev" && p.Admin && token != devTok {
				// Only the dev key's own token carries the admin group.
				if _, err := jwt.Parse(token, func(*jwt.Token) (any, error) { return key, nil }, jwt.WithValidMethods([]string{"HS256"})); err != nil {
					t.Fatalf("dev accepted an admin token the key did not sign: %q", token)
				}
			}
		}
	})
}
