package auth

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/golang-jwt/jwt/v5"
)

// ClaimsSource returns the claims an upstream authorizer verified for r, or
// false when the request carries none.
type ClaimsSource func(r *http.Request) (map[string]string, bool)

// NewAPIGateway trusts the claims that API Gateway's JWT authorizer has
// verified (signature, exp, iss, aud) and passed in the request context. It
// is only for the Lambda runtime, where nothing but API Gateway can invoke
// the function; audiences are checked again as defence in depth.
func NewAPIGateway(source ClaimsSource, audiences []string) (Authenticator, error) {
	if len(audiences) == 0 {
		return nil, errors.New("auth apigw: at least one audience is required")
	}
	return &apigw{source: source, audiences: audiences}, nil
}

type apigw struct {
	source    ClaimsSource
	audiences []string
}

func (a *apigw) Authenticate(r *http.Request) (Principal, error) {
	raw, ok := a.source(r)
	if !ok || len(raw) == 0 {
		return Principal{}, &Error{"no verified claims from the API Gateway authorizer"}
	}
	c := Claims{RegisteredClaims: jwt.RegisteredClaims{Subject: raw["sub"], Issuer: raw["iss"]}, ClientID: raw["client_id"]}
	c.Audience = splitList(raw["aud"])
	c.Groups = splitList(raw["cognito:groups"])
	return principalFrom(c, a.audiences)
}

// splitList reads a claim that held a list. API Gateway flattens arrays to
// "[a b c]"; a JSON array or a single value is accepted as well.
func splitList(v string) []string {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil
	}
	var list []string
	if json.Unmarshal([]byte(v), &list) == nil {
		return list
	}
	v = strings.TrimSuffix(strings.TrimPrefix(v, "["), "]")
	return strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' })
}
