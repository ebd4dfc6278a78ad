// Package routes is the API's route table: each operation's method, path
// and whether it is served without a token. The server attaches its
// handlers to it (service/api) and the Lambda construct turns it into API
// Gateway routes, so neither lists the routes itself; openapi.yaml, the
// written contract, is held equal to it by service/api's tests.
//
// It imports only the standard library and service/settings, so a
// construct that deploys the routes links none of the service's JWT, SQL
// or store libraries.
package routes

import (
	"net/http"

	"github.com/progresskit/progresskit/service/settings"
)

// Route is one operation: a method on a path. Pattern is in the syntax
// net/http's ServeMux and API Gateway's route keys share ({name} for a
// path segment).
type Route struct {
	Method  string
	Pattern string
	Public  bool // served without a token
}

// The API's operations.
var (
	Health      = Route{Method: http.MethodGet, Pattern: settings.HealthPath, Public: true}
	Ready       = Route{Method: http.MethodGet, Pattern: settings.ReadyPath, Public: true}
	ListCourses = Route{Method: http.MethodGet, Pattern: "/v1/users/{userId}/courses"}
	GetCourse   = Route{Method: http.MethodGet, Pattern: "/v1/users/{userId}/courses/{courseId}"}
	ResetCourse = Route{Method: http.MethodDelete, Pattern: "/v1/users/{userId}/courses/{courseId}"}
	PostEvents  = Route{Method: http.MethodPost, Pattern: "/v1/users/{userId}/courses/{courseId}/events"}
)

// All lists every operation: what the server serves and API Gateway
// routes.
var All = []Route{Health, Ready, ListCourses, GetCourse, ResetCourse, PostEvents}
