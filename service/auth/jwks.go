package auth

import (
	"context"
	"errors"
	"fmt"

	"github.com/MicahParks/keyfunc/v3"
	"github.com/golang-jwt/jwt/v5"
)

// NewJWKS verifies RS256 and ES256 tokens against the keys published at
// jwksURL, as Cognito and other OIDC issuers do. Keys are cached, refreshed
// hourly, and refetched (rate-limited) when a token names an unknown key id,
// which is how key rotation reaches the server. ctx ends the refresh.
func NewJWKS(ctx context.Context, jwksURL, issuer string, audiences []string) (Authenticator, error) {
	if jwksURL == "" || issuer == "" || len(audiences) == 0 {
		return nil, errors.New("auth jwks: --jwks-url, --issuer and --audience are all required")
	}
	kf, err := keyfunc.NewDefaultCtx(ctx, []string{jwksURL})
	if err != nil {
		return nil, fmt.Errorf("auth jwks: %w", err)
	}
	return &verifier{
		keyfunc:   kf.Keyfunc,
		methods:   []string{jwt.SigningMethodRS256.Alg(), jwt.SigningMethodES256.Alg()},
		issuer:    issuer,
		audiences: audiences,
	}, nil
}
