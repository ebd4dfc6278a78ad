package main

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The real cfn-guard and rules from the pinned npm package ('make tools').
func guardPaths(t *testing.T) (bin, rules string) {
	pkg := filepath.Join("..", "..", "node_modules", "@cdklabs", "cdk-validator-cfnguard")
	osDir := map[string]string{"linux": "ubuntu", "darwin": "macos"}[runtime.GOOS]
	arch := map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[runtime.GOARCH]
	bin = filepath.Join(pkg, "bin", osDir, arch, "cfn-guard")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("cfn-guard is missing (run make tools): %v", err)
	}
	return bin, filepath.Join(pkg, "rules", "control-tower", "cfn-guard")
}

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// A bare bucket breaks the S3 controls: every finding must be excepted,
// and every exception must still be needed.
func TestFindingsMustBeExceptedAndExceptionsNeeded(t *testing.T) {
	bin, rules := guardPaths(t)
	dir := t.TempDir()
	write(t, dir, "Bucket.template.json", `{"Resources":{"Logs":{"Type":"AWS::S3::Bucket","Properties":{}}}}`)
	findings, err := validate(bin, rules, filepath.Join(dir, "Bucket.template.json"))
	if err != nil {
		t.Fatal(err)
	}
	var versioning bool
	var all strings.Builder
	all.WriteString("exceptions:\n")
	for _, f := range findings {
		versioning = versioning || f.Rule == "s3_bucket_versioning_enabled_check"
		if !strings.HasPrefix(f.Message, "[CT.S3.PR.") {
			t.Errorf("%s: message %q does not name its control", f.Rule, f.Message)
		}
		all.WriteString("  - {rule: " + f.Rule + ", control: x, templates: 'Bucket.*', reason: test}\n")
	}
	if !versioning {
		t.Fatalf("no versioning finding on a bare bucket: %+v", findings)
	}

	ok := write(t, dir, "all.yaml", all.String())
	if err := run(io.Discard, bin, rules, ok, []string{dir}); err != nil {
		t.Fatalf("every finding excepted: %v", err)
	}
	missing := write(t, dir, "missing.yaml", strings.Replace(all.String(), "rule: s3_bucket_versioning_enabled_check,", "rule: s3_bucket_versioning_enabled_check_x,", 1))
	if err := run(io.Discard, bin, rules, missing, []string{dir}); err == nil ||
		!strings.Contains(err.Error(), "Bucket.template.json: s3_bucket_versioning_enabled_check") || !strings.Contains(err.Error(), "_x") {
		t.Errorf("an unexcepted finding and a stale exception: %v", err)
	}
	noReason := write(t, dir, "noreason.yaml", "exceptions:\n  - {rule: a, control: b, templates: '*', reason: ''}\n")
	if err := run(io.Discard, bin, rules, noReason, []string{dir}); err == nil || !strings.Contains(err.Error(), "reason") {
		t.Errorf("an exception without a reason: %v", err)
	}
}

// docs/deploying.md's table lists every exception, so a reader sees them all.
func TestReadmeListsEveryException(t *testing.T) {
	exceptions, err := readExceptions(filepath.Join("..", "..", ".cfnguard.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "docs", "deploying.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range exceptions {
		if !strings.Contains(string(readme), "| "+e.Control+" | `"+e.Rule+"` |") {
			t.Errorf("docs/deploying.md's guard table has no row for %s (%s)", e.Rule, e.Control)
		}
	}
}
