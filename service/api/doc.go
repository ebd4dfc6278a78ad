// Package api is the HTTP API v1 of the progress service: routes, request
// decoding and validation, JSON errors, and the middleware every request
// passes through (request id, access log, panic recovery, authentication).
//
// openapi.yaml beside this file is the contract; a test checks that the
// routes registered here are exactly the ones it documents.
package api
