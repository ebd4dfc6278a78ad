package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/progresskit/progresskit/service/auth"
	"github.com/progresskit/progresskit/service/progress"
	"github.com/progresskit/progresskit/service/settings"
)

func runToken(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("token", stderr)
	user := fs.String("user", "", "user id to put in sub (required)")
	admin := fs.Bool("admin", false, "add the "+settings.AdminGroup+" group: the token may access every user")
	ttl := fs.Duration("ttl", time.Hour, "how long the token is valid")
	keyFile := fs.String(settings.DevKeyFile.Flag, auth.DefaultDevKeyFile, "HS256 key file shared with 'progress serve --auth dev' (created if missing)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !progress.ValidID(*user) {
		return fmt.Errorf("--user %s", progress.IDRule)
	}
	if *ttl <= 0 || *ttl > 30*24*time.Hour {
		return fmt.Errorf("--ttl must be between 1s and 720h")
	}
	key, err := auth.LoadOrCreateDevKey(*keyFile)
	if err != nil {
		return err
	}
	tok, err := auth.DevToken(key, *user, *admin, *ttl, time.Now())
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, tok)
	return err
}
