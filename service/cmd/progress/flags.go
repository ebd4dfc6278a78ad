package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"

	"github.com/progresskit/progresskit/service/settings"
)

// flagSet is a flag.FlagSet whose flags default to an environment twin:
// --store reads PROGRESS_STORE, --dev-key-file reads PROGRESS_DEV_KEY_FILE.
type flagSet struct {
	*flag.FlagSet
	envErr error
}

func newFlagSet(name string, stderr io.Writer) *flagSet {
	fs := flag.NewFlagSet("progress "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return &flagSet{FlagSet: fs}
}

// EnvName is the environment twin of a flag.
var EnvName = settings.EnvName

func (f *flagSet) env(name string) (string, bool) { return os.LookupEnv(EnvName(name)) }

func (f *flagSet) String(name, def, usage string) *string {
	if v, ok := f.env(name); ok {
		def = v
	}
	return f.FlagSet.String(name, def, usage+" (env "+EnvName(name)+")")
}

func (f *flagSet) Bool(name string, def bool, usage string) *bool {
	if v, ok := f.env(name); ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			f.envErr = fmt.Errorf("%s=%q: not a boolean (true, false, 1 or 0)", EnvName(name), v)
		}
		def = b
	}
	return f.FlagSet.Bool(name, def, usage+" (env "+EnvName(name)+")")
}

func (f *flagSet) Int(name string, def int, usage string) *int {
	if v, ok := f.env(name); ok {
		if _, err := fmt.Sscan(v, &def); err != nil {
			f.envErr = fmt.Errorf("%s=%q: not a whole number", EnvName(name), v)
		}
	}
	return f.FlagSet.Int(name, def, usage+" (env "+EnvName(name)+")")
}

func (f *flagSet) Duration(name string, def time.Duration, usage string) *time.Duration {
	if v, ok := f.env(name); ok {
		d, err := time.ParseDuration(v)
		if err != nil {
			f.envErr = fmt.Errorf("%s=%q: not a duration such as 25s", EnvName(name), v)
		}
		def = d
	}
	return f.FlagSet.Duration(name, def, usage+" (env "+EnvName(name)+")")
}

// Parse parses args and reports a bad environment twin as a usage error.
func (f *flagSet) Parse(args []string) error {
	if err := f.FlagSet.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return err
		}
		return errUsage
	}
	if f.envErr != nil {
		fmt.Fprintln(f.Output(), f.envErr)
		return errUsage
	}
	if f.NArg() > 0 {
		fmt.Fprintf(f.Output(), "unexpected argument %q\n", f.Arg(0))
		return errUsage
	}
	return nil
}
