package main

import (
	"context"
	"fmt"
	"io"

	"github.com/progresskit/progresskit/service/settings"
	"github.com/progresskit/progresskit/service/store/storeurl"
)

// runStore dispatches 'progress store <verb>'.
func runStore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "init" {
		fmt.Fprintf(stderr, "usage: progress store init --%s URL\n", settings.Store.Flag)
		return errUsage
	}
	fs := newFlagSet("store init", stderr)
	storeURL := fs.String(settings.Store.Flag, storeurl.DefaultURL, "store URL: "+storeurl.Schemes())
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	s, err := storeurl.Open(ctx, *storeURL, storeurl.Options{Init: true})
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.Ping(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "store ready: %s\n", storeurl.Redact(*storeURL))
	return nil
}
