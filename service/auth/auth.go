package auth

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/progresskit/progresskit/service/settings"
)

// Leeway absorbs clock drift between the issuer and this server.
const Leeway = 60 * time.Second

// Principal is an authenticated caller.
type Principal struct {
	Subject string
	Admin   bool
}

// CanAccess reports whether the caller may read or write userID's progress.
func (p Principal) CanAccess(userID string) bool { return p.Admin || p.Subject == userID }

// Authenticator turns a request into a Principal or an *Error.
type Authenticator interface {
	Authenticate(r *http.Request) (Principal, error)
}

// Error is an authentication failure; its message is safe to show a client.
type Error struct{ Reason string }

func (e *Error) Error() string { return e.Reason }

// Claims are the JWT claims progresskit reads. Cognito access tokens carry
// the app client in client_id instead of aud.
type Claims struct {
	jwt.RegisteredClaims
	ClientID string   `json:"client_id,omitempty"`
	Groups   []string `json:"cognito:groups,omitempty"`
}

// verifier checks a compact JWT with the keys of one mode.
type verifier struct {
	keyfunc   jwt.Keyfunc
	methods   []string
	issuer    string
	audiences []string // a token for any of them is accepted (web and mobile app clients)
}

func (v *verifier) Authenticate(r *http.Request) (Principal, error) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	if h == "" {
		return Principal{}, &Error{"missing bearer token: send Authorization: Bearer <JWT>"}
	}
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return Principal{}, &Error{"malformed Authorization header: expected Bearer <JWT>"}
	}
	return v.verify(strings.TrimSpace(token))
}

func (v *verifier) verify(token string) (Principal, error) {
	var claims Claims
	parser := jwt.NewParser(
		jwt.WithValidMethods(v.methods),
		jwt.WithLeeway(Leeway),
		jwt.WithIssuer(v.issuer),
		jwt.WithExpirationRequired(),
	)
	if _, err := parser.ParseWithClaims(token, &claims, v.keyfunc); err != nil {
		return Principal{}, &Error{describe(err)}
	}
	return principalFrom(claims, v.audiences)
}

// principalFrom applies the checks common to every mode, including apigw
// whose signature check happened upstream.
func principalFrom(c Claims, audiences []string) (Principal, error) {
	ok := false
	for _, a := range audiences {
		ok = ok || slices.Contains(c.Audience, a) || c.ClientID == a
	}
	if !ok {
		return Principal{}, &Error{"token audience (aud or client_id) is not this API's"}
	}
	if c.Subject == "" {
		return Principal{}, &Error{"token has no subject (sub)"}
	}
	return Principal{Subject: c.Subject, Admin: slices.Contains(c.Groups, settings.AdminGroup)}, nil
}

func describe(err error) string {
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return "token has expired"
	case errors.Is(err, jwt.ErrTokenNotValidYet), errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		return "token is not valid yet"
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		return "token issuer (iss) is not trusted"
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		return "token lacks a required claim (exp)"
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return "token signature is invalid or its algorithm is not accepted"
	case errors.Is(err, jwt.ErrTokenMalformed):
		return "token is malformed"
	default:
		return fmt.Sprintf("token rejected: %v", err)
	}
}

// ParseAudiences reads a comma-separated list of audiences, as flags and
// environment variables carry them.
func ParseAudiences(list string) []string {
	var out []string
	for _, a := range strings.Split(list, ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}
