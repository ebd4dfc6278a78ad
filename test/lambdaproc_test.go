package test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/progresskit/progresskit/internal/lambdaruntime"
)

// lambdaProcess is a Lambda binary (a bootstrap, the probe hook) running
// under a Runtime API harness, and what it has logged so far.
type lambdaProcess struct {
	*exec.Cmd
	rt *lambdaruntime.API

	mu    sync.Mutex
	logs  strings.Builder
	wrote chan struct{} // closed, and replaced, at each write
}

// startLambda runs bin against rt with env beside the runtime's own, and
// stops it when the test ends, showing its output if the test failed.
func startLambda(t *testing.T, bin string, rt *lambdaruntime.API, env ...string) *lambdaProcess {
	t.Helper()
	p := &lambdaProcess{Cmd: exec.Command(bin), rt: rt, wrote: make(chan struct{})}
	p.Env = append(append(rt.Env(t.TempDir()), "PATH="+os.Getenv("PATH")), env...)
	p.Stdout, p.Stderr = p, p
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.Process.Kill()
		p.Wait()
		if t.Failed() {
			t.Logf("%s output:\n%s", filepath.Base(bin), p.Logs())
		}
	})
	return p
}

func (p *lambdaProcess) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.logs.Write(b)
	close(p.wrote)
	p.wrote = make(chan struct{})
	return len(b), nil
}

// Logs is what the process has written to stdout and stderr.
func (p *lambdaProcess) Logs() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.logs.String()
}

// waitForLog reports whether a line of the log matches, waiting for each
// write of the process: its output reaches the log through a pipe, so a
// line may arrive just after the answer it explains. limit bounds a wait
// for a line that never comes.
func (p *lambdaProcess) waitForLog(limit time.Duration, match func(line string) bool) bool {
	give := time.NewTimer(limit)
	defer give.Stop()
	for {
		p.mu.Lock()
		logs, wrote := p.logs.String(), p.wrote
		p.mu.Unlock()
		for line := range strings.Lines(logs) {
			if match(strings.TrimSuffix(line, "\n")) {
				return true
			}
		}
		select {
		case <-wrote:
		case <-give.C:
			return false
		}
	}
}
