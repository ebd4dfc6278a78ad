// Package apigwevent turns an HTTP request into the event an API Gateway
// HTTP API sends its Lambda integration (payload format 2.0), and the
// function's answer back into an HTTP response. The Lambda variant's
// pre-traffic hook invokes a new function version with these events
// before API Gateway sends it any; the tests drive the bootstrap with them.
package apigwevent

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// Request is the event for r. claims, when not nil, are what the JWT
// authorizer passes for a verified token (lists flattened to "[a b]", as
// API Gateway does); base64Body sends the body base64-encoded, as API
// Gateway does for bodies it does not take for text.
func Request(r *http.Request, claims map[string]string, base64Body bool) ([]byte, error) {
	now := time.Now()
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: "$default", RawPath: r.URL.Path, RawQueryString: r.URL.RawQuery,
		Headers:               map[string]string{},
		QueryStringParameters: map[string]string{},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			Stage: "$default", RequestID: fmt.Sprintf("probe-%d", now.UnixNano()), DomainName: r.URL.Host, TimeEpoch: now.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: r.Method, Path: r.URL.Path, Protocol: "HTTP/1.1", SourceIP: "127.0.0.1", UserAgent: r.UserAgent()},
		},
	}
	for k, v := range r.Header {
		ev.Headers[strings.ToLower(k)] = strings.Join(v, ",")
	}
	for k, v := range r.URL.Query() {
		ev.QueryStringParameters[k] = strings.Join(v, ",")
	}
	if claims != nil {
		ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims},
		}
	}
	if r.Body != nil {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return nil, err
		}
		if base64Body && len(body) > 0 {
			ev.Body, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString(body), true
		} else {
			ev.Body = string(body)
		}
	}
	return json.Marshal(ev)
}

// Response is the HTTP response that API Gateway makes of a function's
// payload 2.0 answer to r.
func Response(r *http.Request, payload []byte) (*http.Response, error) {
	var out events.APIGatewayV2HTTPResponse
	if err := json.Unmarshal(payload, &out); err != nil {
		return nil, fmt.Errorf("the function's answer is not a payload 2.0 response: %v: %.200s", err, payload)
	}
	body := []byte(out.Body)
	if out.IsBase64Encoded {
		var err error
		if body, err = base64.StdEncoding.DecodeString(out.Body); err != nil {
			return nil, fmt.Errorf("the function's base64 body: %w", err)
		}
	}
	h := http.Header{}
	for k, v := range out.Headers {
		h.Set(k, v)
	}
	for k, vs := range out.MultiValueHeaders {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	return &http.Response{StatusCode: out.StatusCode, Header: h, Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)), Request: r}, nil
}

// FunctionError is API Gateway's answer when the function failed rather
// than answered.
func FunctionError(r *http.Request) *http.Response {
	return &http.Response{StatusCode: http.StatusInternalServerError, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(`{"message":"Internal Server Error"}`)), Request: r}
}
