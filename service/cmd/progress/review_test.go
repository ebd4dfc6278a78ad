package main

import (
	"strings"
	"testing"
)

// Usage errors exit 2 before anything is synthesized, and say what to do;
// a blocked review has its own status, distinct from a failure (1).
func TestReviewUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"review"}, "--base is required"},
		{[]string{"review", "--base", "main", "--format", "xml"}, `--format "xml": want markdown or json`},
		{[]string{"review", "--base", "main", "--jobs", "0"}, "--jobs must be at least 1"},
	} {
		_, stderr, code := runCmd(t, tc.args...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
	if exitCode(errBlocked) != exitBlocked || exitBlocked == 1 || exitBlocked == 2 {
		t.Errorf("a blocked review exits %d", exitCode(errBlocked))
	}
	// PROGRESS_STORE is the server's store URL, never a review's filter.
	t.Setenv("PROGRESS_STORE", "sqlite://var/progress.db")
	_, stderr, _ := runCmd(t, "review", "-h")
	if !strings.Contains(stderr, "-store") || strings.Contains(stderr, "(env PROGRESS_STORE)") {
		t.Errorf("review -h:\n%s", stderr)
	}
}
