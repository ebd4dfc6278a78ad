// Package auth verifies the bearer tokens of the progress API and decides
// whose progress a caller may touch.
//
// Every mode checks signature, exp/nbf with a small leeway, issuer and
// audience; there is deliberately no mode without authentication. The modes
// differ only in where the keys come from: a JWKS URL (Cognito or any OIDC
// issuer), a local HS256 key for development, or, behind API Gateway, the
// claims its JWT authorizer has already verified.
package auth
