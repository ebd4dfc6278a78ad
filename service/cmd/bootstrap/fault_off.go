//go:build !faultinject

package main

import (
	"log/slog"

	"github.com/progresskit/progresskit/service/api"
)

// faultOptions: a deployed bootstrap has no fault injection.
func faultOptions(*slog.Logger, func(string) string) []api.Option { return nil }
