package auth

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/progresskit/progresskit/service/settings"
)

// Development tokens name this issuer and audience, so that a dev token is
// never mistaken for one from a real identity provider.
const (
	DevIssuer   = "progresskit-dev"
	DevAudience = "progresskit-local"
	// DefaultDevKeyFile is where serve and token keep the dev signing key.
	DefaultDevKeyFile = "var/dev-jwt.key"
)

// LoadOrCreateDevKey reads the HS256 key at path, creating a random 256-bit
// key there (mode 0600) when the file does not exist.
func LoadOrCreateDevKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("dev key: %w", err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			return LoadOrCreateDevKey(path) // another process won the race
		}
		if err != nil {
			return nil, fmt.Errorf("dev key: %w", err)
		}
		defer f.Close()
		if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
			return nil, fmt.Errorf("dev key: %w", err)
		}
		return key, f.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("dev key: %w", err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) < 32 {
		return nil, fmt.Errorf("dev key %s: want at least 32 bytes of hex", path)
	}
	return key, nil
}

// NewDev verifies HS256 tokens signed with key, for local development only.
func NewDev(key []byte) Authenticator {
	return &verifier{
		keyfunc:   func(*jwt.Token) (any, error) { return key, nil },
		methods:   []string{jwt.SigningMethodHS256.Alg()},
		issuer:    DevIssuer,
		audiences: []string{DevAudience},
	}
}

// DevToken signs a development token for user, valid for ttl.
func DevToken(key []byte, user string, admin bool, ttl time.Duration, now time.Time) (string, error) {
	claims := Claims{RegisteredClaims: jwt.RegisteredClaims{
		Subject:   user,
		Issuer:    DevIssuer,
		Audience:  jwt.ClaimStrings{DevAudience},
		IssuedAt:  jwt.NewNumericDate(now),
		NotBefore: jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
	}}
	if admin {
		claims.Groups = []string{settings.AdminGroup}
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(key)
}
