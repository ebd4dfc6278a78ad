package test

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/progresskit/progresskit/internal/testenv"
	"github.com/progresskit/progresskit/service/probe"
	"github.com/progresskit/progresskit/service/systemd"
)

const maxExposure = 2.0

func systemdAnalyze(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Fatal("systemd-analyze is missing: install Debian's systemd package (make test does)")
	}
	return p
}

// unitFor writes the unit with ExecStart pointing at the server built here
// (the instance has it at systemd.BinaryPath); nothing else changes.
func unitFor(t *testing.T) string {
	t.Helper()
	unit := strings.Replace(systemd.Unit, "ExecStart="+systemd.BinaryPath, "ExecStart="+serverBin, 1)
	if unit == systemd.Unit {
		t.Fatalf("the unit's ExecStart is not %s", systemd.BinaryPath)
	}
	path := filepath.Join(t.TempDir(), "progress.service")
	if err := os.WriteFile(path, []byte(unit), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestSystemdUnitVerifies(t *testing.T) {
	out, err := exec.Command(systemdAnalyze(t), "verify", "--recursive-errors=yes", unitFor(t)).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
}

func TestSystemdUnitExposure(t *testing.T) {
	out, _ := exec.Command(systemdAnalyze(t), "security", "--offline=true", "--no-pager", unitFor(t)).CombinedOutput()
	m := regexp.MustCompile(`Overall exposure level for \S+: ([0-9.]+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no exposure level in:\n%s", out)
	}
	level, _ := strconv.ParseFloat(string(m[1]), 64)
	if level > maxExposure {
		t.Fatalf("exposure %.1f, want at most %.1f:\n%s", level, maxExposure, out)
	}
	t.Logf("systemd-analyze security: exposure %.1f", level)
}

// execStart reads the unit's command line: the binary and its arguments.
func execStart(t *testing.T) (string, []string) {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(systemd.Unit))
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "ExecStart="); ok {
			f := strings.Fields(rest)
			return f[0], f[1:]
		}
	}
	t.Fatal("no ExecStart")
	return "", nil
}

// readEnvFile parses an EnvironmentFile as systemd does for KEY=VALUE lines.
func readEnvFile(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		env = append(env, line)
	}
	return env
}

// TestServerAsTheUnitStartsIt runs the deployed server with the unit's
// arguments and an environment file like the one the EC2 user data writes
// (PostgreSQL, jwks auth), and passes the smoke suite with RS256 tokens.
func TestServerAsTheUnitStartsIt(t *testing.T) {
	iss := testenv.NewIssuer(t, "127.0.0.1:0")
	dir := t.TempDir()
	envFile := filepath.Join(dir, "progress.env")
	content := fmt.Sprintf("PROGRESS_ADDR=127.0.0.1:0\nPROGRESS_STORE=%s\nPROGRESS_AUTH=jwks\nPROGRESS_JWKS_URL=%s\nPROGRESS_ISSUER=%s\nPROGRESS_AUDIENCE=other-client,%s\n",
		testenv.PostgresDB(t), iss.JWKSURL, iss.Issuer, iss.Audience)
	if err := os.WriteFile(envFile, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	bin, args := execStart(t)
	if bin != systemd.BinaryPath || len(args) != 0 {
		t.Fatalf("ExecStart is %s %v, want %s alone: every setting comes from the environment file", bin, args, systemd.BinaryPath)
	}
	srv := startProcess(t, serverBin, dir, readEnvFile(t, envFile), args...)
	runProbe(t, probe.Target{BaseURL: srv.URL, Token: iss.Token(t, "ec2-learner", false), AdminToken: iss.Token(t, "ops", true)})
	if code := srv.stop(t); code != 0 {
		t.Fatalf("exit %d after SIGTERM:\n%s", code, srv.Logs())
	}
}

// The smoke suite passes against the deployed server on every store.
func TestServerSmokeOnEveryStore(t *testing.T) {
	stores := map[string]string{
		"sqlite":   "sqlite://" + filepath.Join(t.TempDir(), "p.db"),
		"postgres": testenv.PostgresDB(t),
		"dynamodb": testenv.DynamoTable(t),
	}
	for name, url := range stores {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			srv := startDeployed(t, dir, nil, "--auth", "dev", "--store", url)
			tok, _, _ := runCLI(t, dir, nil, "token", "--user", "smoke-"+name)
			admin, _, _ := runCLI(t, dir, nil, "token", "--user", "ops", "--admin")
			runProbe(t, probe.Target{BaseURL: srv.URL, Token: strings.TrimSpace(tok), AdminToken: strings.TrimSpace(admin)})
		})
	}
}
