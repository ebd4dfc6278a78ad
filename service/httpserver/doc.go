// Package httpserver runs an http.Handler with production timeouts and a
// graceful drain on shutdown, shared by the server binary and its tests.
package httpserver
