package envflag

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// An environment twin that does not parse is a usage error, never a silent
// default: PROGRESS_VERIFY=yes must not read as false.
func TestBoolEnvTwin(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  bool
		ok    bool
	}{
		{"true", true, true}, {"1", true, true}, {"TRUE", true, true},
		{"false", false, true}, {"0", false, true},
		{"yes", false, false}, {"on", false, false}, {"", false, false},
	} {
		t.Run(tc.value, func(t *testing.T) {
			t.Setenv(EnvName("verify"), tc.value)
			var stderr strings.Builder
			fs := New("progress migrate", &stderr)
			got := fs.Bool("verify", false, "")
			err := fs.Parse(nil)
			if tc.ok != (err == nil) {
				t.Fatalf("%s=%q: err %v, want ok=%v", EnvName("verify"), tc.value, err, tc.ok)
			}
			if !tc.ok {
				if !errors.Is(err, ErrUsage) || !strings.Contains(stderr.String(), "PROGRESS_VERIFY") {
					t.Errorf("error %v, stderr %q: want a usage error naming PROGRESS_VERIFY", err, stderr.String())
				}
				return
			}
			if *got != tc.want {
				t.Errorf("%q read as %v, want %v", tc.value, *got, tc.want)
			}
		})
	}
}

// The flag still wins over its twin.
func TestFlagOverridesEnvTwin(t *testing.T) {
	t.Setenv(EnvName("verify"), "false")
	fs := New("progress migrate", io.Discard)
	got := fs.Bool("verify", false, "")
	if err := fs.Parse([]string{"--verify"}); err != nil || !*got {
		t.Fatalf("--verify with PROGRESS_VERIFY=false: %v, %v", *got, err)
	}
}
