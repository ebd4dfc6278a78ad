//go:build !faultinject

package api

import "net/http"

func (h *handler) wrapFaults(next http.Handler) http.Handler { return next }
