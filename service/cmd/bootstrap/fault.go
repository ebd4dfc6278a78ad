//go:build faultinject

package main

import (
	"log/slog"

	"github.com/progresskit/progresskit/service/api"
	"github.com/progresskit/progresskit/service/settings"
)

// faultOptions turn on fault injection in the tests' build only.
func faultOptions(log *slog.Logger, getenv func(string) string) []api.Option {
	h := getenv(settings.FaultHeaderEnv)
	if h == "" {
		return nil
	}
	log.Warn("fault injection is on", "header", h)
	return []api.Option{api.WithFaultInjection(h)}
}
