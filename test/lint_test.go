package test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// checkov, as 'make lint-iac' runs it, reports findings and nothing else:
// it never calls its vendor's platform, so a machine without network gets
// no traceback. https_proxy points at a closed port, so any request fails
// here at once whatever network the machine has.
func TestCheckovRunsOffline(t *testing.T) {
	checkov, err := filepath.Abs("../.venv-checkov/bin/checkov")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(checkov); err != nil {
		t.Fatalf("%v: run 'make tools' first", err)
	}
	dir := t.TempDir()
	tpl := `{"Resources": {"Logs": {"Type": "AWS::Logs::LogGroup", "Properties": {"RetentionInDays": 14}}}}`
	if err := os.WriteFile(filepath.Join(dir, "One.template.json"), []byte(tpl), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(checkov, "--config-file", ".checkov.yaml", "--directory", dir)
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "https_proxy=http://127.0.0.1:9", "HTTPS_PROXY=http://127.0.0.1:9")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("checkov: %v\n%s%s", err, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "Passed checks: 1") {
		t.Errorf("checkov did not report the template's check:\n%s", stdout.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("checkov wrote to stderr (a network attempt?):\n%s", stderr.String())
	}
}
