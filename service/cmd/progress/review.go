package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/progresskit/progresskit/cdk/config"
	"github.com/progresskit/progresskit/service/deploy"
	"github.com/progresskit/progresskit/service/internal/envflag"
	"github.com/progresskit/progresskit/service/review"
)

// The review command's own flags; --env, --arch, --store and --format are
// the cost commands' names.
const (
	flagBase         = "base"
	flagAllowReplace = "allow-replace"
	flagTools        = "tools"
	flagOut          = "out"
	flagJobs         = "jobs"
)

// exitBlocked is the exit status of a review that found a stateful
// resource replaced or removed: the report is printed, and the change
// needs --allow-replace.
const exitBlocked = 3

// errBlocked is such a review's error.
var errBlocked = errors.New("a stateful resource would be replaced or removed (see the report); --" + flagAllowReplace + " accepts it")

func runReview(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("review", stderr)
	base := fs.String(flagBase, "", "git revision to compare the working tree with (required), such as origin/main")
	envs := fs.String(flagEnv, "", "envs of cdk.json to synthesize, comma-separated (default: every env)")
	arch := fs.String(flagArch, config.ArchAll, "compute to synthesize: "+strings.Join(deploy.Computes, ", ")+" or "+config.ArchAll)
	// No environment twin: PROGRESS_STORE is the server's store URL.
	stores := fs.FlagSet.String(flagStore, "", "stores to run every compute on, comma-separated: "+strings.Join(deploy.Stores, ", ")+" (default: every store; no environment twin, as "+envflag.EnvName(flagStore)+" is the server's store URL)")
	allow := fs.Bool(flagAllowReplace, false, "exit 0 even when a stateful resource ("+strings.Join(review.StatefulTypes, ", ")+") would be replaced or removed")
	format := fs.String(flagFormat, "markdown", "markdown or json")
	tools := fs.String(flagTools, "", "directory whose node_modules, .venv and .venv-checkov ('make tools') hold "+review.DiffPackage+" and the linters (default: the working tree's root)")
	out := fs.String(flagOut, "", "keep both revisions' syntheses in this directory (default: a temporary one, removed)")
	jobs := fs.Int(flagJobs, review.DefaultJobs(), "syntheses to run at once")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: progress review --%s REF [flags]\n\n"+
			"Synthesizes REF (in a git worktree) and the working tree, every env × store with arch=%s unless\n"+
			"--%s, --%s and --%s narrow it, and prints what changes: resources per stack, the monthly cost,\n"+
			"and the linters' findings. Exit status %d when a stateful resource would be replaced or removed,\n"+
			"unless --%s.\n\n", flagBase, config.ArchAll, flagEnv, flagArch, flagStore, exitBlocked, flagAllowReplace)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case *base == "":
		fmt.Fprintf(stderr, "progress review: --%s is required (the revision to compare with, such as origin/main)\n", flagBase)
		return errUsage
	case *jobs < 1:
		fmt.Fprintf(stderr, "progress review: --%s must be at least 1\n", flagJobs)
		return errUsage
	case *format != "markdown" && *format != "json":
		fmt.Fprintf(stderr, "progress review: --%s %q: want markdown or json\n", flagFormat, *format)
		return errUsage
	}
	rep, err := review.Run(ctx, review.Options{
		Base: *base, Envs: list(*envs), Arch: *arch, Stores: list(*stores),
		AllowReplace: *allow, Tools: *tools, Out: *out, Jobs: *jobs, Log: stderr,
	})
	if err != nil {
		if ctx.Err() != nil {
			return errInterrupted
		}
		return err
	}
	if *format == "json" {
		err = writeJSON(stdout, rep)
	} else {
		err = rep.WriteMarkdown(stdout)
	}
	if err != nil {
		return err
	}
	if rep.Blocked {
		return errBlocked
	}
	return nil
}

// list splits a comma-separated flag; "" is none.
func list(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
