package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"

	"github.com/progresskit/progresskit/service/internal/envflag"

	// Mozilla's roots, used only where the system has none: an operator's
	// minimal container still verifies TLS when it probes a deployment or
	// migrates to AWS.
	_ "golang.org/x/crypto/x509roots/fallback"
)

// command is one subcommand of the CLI.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() map[string]command {
	return map[string]command{
		"serve":   {"serve the progress API", runServe},
		"token":   {"print a development token signed with the dev key", runToken},
		"store":   {"store init: create what a store needs (table, schema, file); safe to rerun", runStore},
		"migrate": {"copy every user's progress from one store to another", runMigrate},
		"probe":   {"run the API smoke scenarios against a deployment", runProbe},
		"cost":    {"monthly cost of each compute on each store; cost breakeven, cost recommend", runCost},
		"preview": {"preview expired: the pull requests' previews older than their age limit", runPreview},
		"review":  {"what a change does to every stack, its cost and the linters' findings, against a base revision", runReview},
	}
}

// errUsage marks an error already explained by the flag package.
var errUsage = envflag.ErrUsage

// newFlagSet is a subcommand's flags, named as its help and errors show it.
func newFlagSet(name string, stderr io.Writer) *envflag.FlagSet {
	return envflag.New("progress "+name, stderr)
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr, cmds)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "progress: unknown command %q\n\n", args[0])
		usage(stderr, cmds)
		return 2
	}
	if err := cmd.run(ctx, args[1:], stdout, stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		if !errors.Is(err, errUsage) {
			fmt.Fprintf(stderr, "progress %s: %v\n", args[0], err)
		}
		return exitCode(err)
	}
	return 0
}

func exitCode(err error) int {
	switch {
	case errors.Is(err, errUsage):
		return 2
	case errors.Is(err, errInterrupted):
		return 130 // the shell's code for a command stopped by Ctrl-C
	case errors.Is(err, errBlocked):
		return exitBlocked
	}
	return 1
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "usage: progress <command> [flags]\n\ncommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'progress <command> -h' for a command's flags; every flag also reads PROGRESS_<FLAG> from the environment.")
}
