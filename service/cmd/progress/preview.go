package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/progresskit/progresskit/cdk/config"
)

// preview expired's flags.
const (
	flagMaxAge = "max-age"
	flagStacks = "stacks"
)

// runPreview is 'progress preview expired': which pull requests' previews
// the scheduled clean-up destroys. It reads the account's stacks as 'aws
// cloudformation describe-stacks' prints them, so it needs no credentials
// itself and the workflow's AWS calls stay in the workflow.
func runPreview(_ context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "expired" {
		fmt.Fprintln(stderr, "usage: progress preview expired [flags] < describe-stacks.json")
		return errUsage
	}
	fs := newFlagSet("preview expired", stderr)
	cdkJSON := fs.String(flagCDKJSON, defaultCDKJSON, "path of cdk.json, whose "+config.ContextPreview+" sets maxAgeHours")
	maxAge := fs.Duration(flagMaxAge, 0, fmt.Sprintf("destroy previews older than this (default: cdk.json's maxAgeHours, else %dh)", config.DefaultPreviewMaxAgeHours))
	stacksFile := fs.String(flagStacks, "-", "'aws cloudformation describe-stacks --output json' output; - reads stdin")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *maxAge < 0 {
		return fmt.Errorf("--%s must not be negative", flagMaxAge)
	}
	if *maxAge == 0 {
		b, err := os.ReadFile(*cdkJSON)
		if err != nil {
			return fmt.Errorf("%w (or pass --%s)", err, flagMaxAge)
		}
		var doc struct{ Context map[string]any }
		if err := json.Unmarshal(b, &doc); err != nil {
			return fmt.Errorf("%s: %w", *cdkJSON, err)
		}
		p, err := config.ParsePreview(doc.Context[config.ContextPreview])
		if err != nil {
			return err
		}
		if p == nil {
			return fmt.Errorf("%s has no %q (or pass --%s)", *cdkJSON, config.ContextPreview, flagMaxAge)
		}
		*maxAge = p.MaxAge()
	}
	in := io.Reader(os.Stdin)
	if *stacksFile != "-" {
		f, err := os.Open(*stacksFile)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	var listed struct{ Stacks []config.DeployedStack }
	if err := json.NewDecoder(in).Decode(&listed); err != nil {
		return fmt.Errorf("--%s: not 'aws cloudformation describe-stacks' JSON: %w", flagStacks, err)
	}
	if listed.Stacks == nil {
		return fmt.Errorf("--%s: no \"Stacks\": give it 'aws cloudformation describe-stacks --output json'", flagStacks)
	}
	for _, env := range config.ExpiredPreviews(listed.Stacks, *maxAge, time.Now()) {
		fmt.Fprintln(stdout, env)
	}
	return nil
}
