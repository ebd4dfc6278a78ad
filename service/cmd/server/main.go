package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/progresskit/progresskit/service/internal/envflag"
	"github.com/progresskit/progresskit/service/internal/serve"

	// Mozilla's roots, used only where the system has none: the FROM
	// scratch image then verifies TLS to the JWKS and AWS APIs without a CA
	// file copied from whichever machine built it.
	_ "golang.org/x/crypto/x509roots/fallback"
)

// name is the binary's name, as its help and errors show it.
const name = "progress-server"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stderr))
}

func run(ctx context.Context, args []string, stderr io.Writer) int {
	fs := envflag.New(name, stderr)
	f := serve.Define(fs)
	err := fs.Parse(args)
	if err == nil {
		err = serve.Run(ctx, f, stderr, nil)
	}
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, envflag.ErrUsage):
		return 2
	}
	fmt.Fprintf(stderr, "%s: %v\n", name, err)
	return 1
}
