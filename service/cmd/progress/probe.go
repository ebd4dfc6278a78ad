package main

import (
	"context"
	"fmt"
	"io"

	"github.com/progresskit/progresskit/service/probe"
)

func runProbe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("probe", stderr)
	url := fs.String("url", "", "base URL of the deployment (required), such as the stack's ApiUrl output")
	token := fs.String("token", "", "a learner's bearer token (required); the probe writes to a probe-* course of its sub and resets it")
	admin := fs.String("admin-token", "", "optional token of the progress-admin group, to check admin access")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *url == "" || *token == "" {
		fmt.Fprintln(stderr, "progress probe: --url and --token are required")
		return errUsage
	}
	failed := 0
	for _, r := range probe.Run(ctx, probe.Target{BaseURL: *url, Token: *token, AdminToken: *admin}) {
		status := "ok  "
		if r.Err != nil {
			status = "FAIL"
			failed++
		}
		fmt.Fprintf(stdout, "%s %-45s %6.0fms\n", status, r.Name, float64(r.Elapsed.Microseconds())/1000)
		if r.Err != nil {
			fmt.Fprintf(stdout, "     %v\n", r.Err)
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d scenarios failed", failed)
	}
	return nil
}
