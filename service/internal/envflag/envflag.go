// Package envflag is the command line of progresskit's binaries: flags
// whose default is an environment twin (--store reads PROGRESS_STORE), so
// the server reads the same settings from a systemd EnvironmentFile, a
// container's environment or its arguments, and the CLI follows suit.
package envflag

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/progresskit/progresskit/service/settings"
)

// ErrUsage marks an error already explained on the flag set's output, so a
// main reports it by its exit code alone.
var ErrUsage = errors.New("usage")

// FlagSet is a flag.FlagSet whose flags default to an environment twin:
// --store reads PROGRESS_STORE, --dev-key-file reads PROGRESS_DEV_KEY_FILE.
type FlagSet struct {
	*flag.FlagSet
	envErr error
}

// New is a flag set named name (as help and errors show it, "progress
// serve") that writes its messages to stderr.
func New(name string, stderr io.Writer) *FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return &FlagSet{FlagSet: fs}
}

// EnvName is the environment twin of a flag.
var EnvName = settings.EnvName

func (f *FlagSet) env(name string) (string, bool) { return os.LookupEnv(EnvName(name)) }

func (f *FlagSet) String(name, def, usage string) *string {
	if v, ok := f.env(name); ok {
		def = v
	}
	return f.FlagSet.String(name, def, usage+" (env "+EnvName(name)+")")
}

func (f *FlagSet) Bool(name string, def bool, usage string) *bool {
	if v, ok := f.env(name); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			f.envErr = fmt.Errorf("%s=%q: not a boolean (true, false, 1 or 0)", EnvName(name), v)
		}
		def = b
	}
	return f.FlagSet.Bool(name, def, usage+" (env "+EnvName(name)+")")
}

func (f *FlagSet) Int(name string, def int, usage string) *int {
	if v, ok := f.env(name); ok {
		if _, err := fmt.Sscan(v, &def); err != nil {
			f.envErr = fmt.Errorf("%s=%q: not a whole number", EnvName(name), v)
		}
	}
	return f.FlagSet.Int(name, def, usage+" (env "+EnvName(name)+")")
}

func (f *FlagSet) Duration(name string, def time.Duration, usage string) *time.Duration {
	if v, ok := f.env(name); ok {
		d, err := time.ParseDuration(v)
		if err != nil {
			f.envErr = fmt.Errorf("%s=%q: not a duration such as 25s", EnvName(name), v)
		}
		def = d
	}
	return f.FlagSet.Duration(name, def, usage+" (env "+EnvName(name)+")")
}

func (f *FlagSet) Float64(name string, def float64, usage string) *float64 {
	if v, ok := f.env(name); ok {
		if _, err := fmt.Sscan(v, &def); err != nil {
			f.envErr = fmt.Errorf("%s=%q: not a number", EnvName(name), v)
		}
	}
	return f.FlagSet.Float64(name, def, usage+" (env "+EnvName(name)+")")
}

// Parse parses args and reports a bad environment twin as a usage error.
func (f *FlagSet) Parse(args []string) error {
	if err := f.FlagSet.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return ErrUsage
	}
	if f.envErr != nil {
		fmt.Fprintln(f.Output(), f.envErr)
		return ErrUsage
	}
	if f.NArg() > 0 {
		fmt.Fprintf(f.Output(), "unexpected argument %q\n", f.Arg(0))
		return ErrUsage
	}
	return nil
}
