package test

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/progresskit/progresskit/service/probe"
)

// probeServer is a local server with dev auth and a learner's token.
func probeServer(t *testing.T) (*server, string, string) {
	t.Helper()
	dir := t.TempDir()
	srv := startServer(t, dir, nil, "--auth", "dev", "--store", "sqlite://"+filepath.Join(dir, "p.db"))
	tok, _, code := runCLI(t, dir, nil, "token", "--user", "load-learner")
	if code != 0 {
		t.Fatal("progress token failed")
	}
	return srv, dir, strings.TrimSpace(tok)
}

// The smoke scenarios, then a paced load, reported as JSON; the token
// comes from --token-cmd.
func TestProbeUnderLoad(t *testing.T) {
	srv, dir, tok := probeServer(t)
	tokenFile := filepath.Join(dir, "token")
	if err := os.WriteFile(tokenFile, []byte(tok+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := runCLI(t, dir, nil, "probe", "--url", srv.URL, "--token-cmd", "cat "+tokenFile,
		"--duration", "2s", "--rate", "20", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	var doc struct {
		Scenarios []struct {
			Name string
			OK   bool
		}
		Load *probe.LoadReport
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if len(doc.Scenarios) != len(probe.Names()) {
		t.Errorf("%d scenarios reported, want %d", len(doc.Scenarios), len(probe.Names()))
	}
	for _, s := range doc.Scenarios {
		if !s.OK {
			t.Errorf("scenario %q failed", s.Name)
		}
	}
	l := doc.Load
	if l == nil {
		t.Fatal("no load report")
	}
	// Open loop: 20/s for 2 s is 40 requests, sent on schedule.
	if l.Requests < 36 || l.Requests > 41 || l.Interrupted {
		t.Errorf("%d requests (interrupted %v), want about 40", l.Requests, l.Interrupted)
	}
	if l.Errors != 0 || l.Statuses["200"] != l.Requests {
		t.Errorf("statuses %v, errors %d: want every request answered 200", l.Statuses, l.Errors)
	}
	if !(0 < l.P50Ms && l.P50Ms <= l.P90Ms && l.P90Ms <= l.P99Ms && l.P99Ms <= l.MaxMs) {
		t.Errorf("percentiles out of order: p50 %v p90 %v p99 %v max %v", l.P50Ms, l.P90Ms, l.P99Ms, l.MaxMs)
	}
	// The load's course was reset: the learner lists no probe course.
	list, _, _ := runCLI(t, dir, nil, "probe", "--url", srv.URL, "--token", tok, "--format", "json")
	if !strings.Contains(list, `"ok": true`) {
		t.Errorf("a second probe failed:\n%s", list)
	}
}

// Ctrl-C during the load still prints what was measured, and says so.
func TestProbeInterruptedReportsWhatItMeasured(t *testing.T) {
	srv, dir, tok := probeServer(t)
	cmd := exec.Command(progressBin, "probe", "--url", srv.URL, "--token", tok, "--duration", "5m", "--rate", "10")
	cmd.Dir = dir
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	last := probe.Names()[len(probe.Names())-1]
	var out strings.Builder
	for sc.Scan() {
		out.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), last) {
			break // the scenarios are done: the load is starting
		}
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		for sc.Scan() {
			out.WriteString(sc.Text() + "\n")
		}
		done <- cmd.Wait()
	}()
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("the probe did not stop on Ctrl-C:\n%s", out.String())
	}
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 130 {
		t.Errorf("exit %v, want 130 after Ctrl-C", err)
	}
	for _, want := range []string{"load: 10/s for 5m0s, open loop (interrupted)", "latency  p50", "cold-start outliers"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
}
