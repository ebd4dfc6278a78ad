package test

import (
	"os/exec"
	"strings"
	"testing"
)

// bin/progress is rebuilt when anything it compiles or embeds changes:
// 'make -n -W FILE' shows what make would do were FILE modified.
func TestMakeRebuildsTheCLIWhenItsSourcesChange(t *testing.T) {
	make := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("make", append([]string{"-C", ".."}, args...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("make %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	make("-s", "bin/progress")
	if out := make("-n", "bin/progress"); strings.Contains(out, "go build") {
		t.Fatalf("bin/progress is stale right after building it:\n%s", out)
	}
	for _, src := range []string{
		"cdk/config/config.go",         // cost --env reads cdk.json through it
		"service/cost/prices.json",     // embedded
		"service/api/openapi.yaml",     // embedded
		"service/settings/settings.go", // flag and env names
	} {
		if out := make("-n", "-W", src, "bin/progress"); !strings.Contains(out, "go build") {
			t.Errorf("after a change to %s, make would not rebuild bin/progress:\n%s", src, out)
		}
	}
}
