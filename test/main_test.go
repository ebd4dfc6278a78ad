package test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/jsii-runtime-go"

	"github.com/progresskit/progresskit/constructs/assets"
	"github.com/progresskit/progresskit/service/deploy"
)

// progressBin (the CLI), serverBin (the server EC2 and the container run,
// with every store) and the Lambda bootstraps, each with its store's tags
// as the constructs build it (and fault injection on), are built once for
// every test here, static and stripped, for this machine's architecture.
var progressBin, serverBin, bootstrapBin, bootstrapPGBin string

// testBootstrapTags are a store's bootstrap's tags with fault injection.
func testBootstrapTags(store string) string {
	return strings.Join(append(assets.Bootstrap(store).Tags, "faultinject"), ",")
}

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "progress-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	progressBin = filepath.Join(dir, "progress")
	serverBin = filepath.Join(dir, "progress-server")
	bootstrapBin = filepath.Join(dir, "bootstrap")
	bootstrapPGBin = filepath.Join(dir, "bootstrap-postgres")
	for _, b := range [][]string{
		{"-o", progressBin, "../service/cmd/progress"},
		{"-o", serverBin, "../service/cmd/server"},
		{"-tags", testBootstrapTags(deploy.DynamoDB), "-o", bootstrapBin, "../service/cmd/bootstrap"},
		{"-tags", testBootstrapTags(deploy.Postgres), "-o", bootstrapPGBin, "../service/cmd/bootstrap"},
	} {
		build := exec.Command("go", append([]string{"build", "-trimpath", "-ldflags=-s -w"}, b...)...)
		build.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := build.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "build %s: %v\n%s", b[len(b)-1], err, out)
			os.Exit(1)
		}
	}
	code := m.Run()
	jsii.Close() // the user data test synthesizes in process
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is a running 'progress serve' or progress-server process.
type server struct {
	URL  string
	cmd  *exec.Cmd
	mu   sync.Mutex
	logs strings.Builder
	done chan struct{}
}

func (s *server) Logs() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logs.String()
}

// startServer runs 'progress serve' with args on a free port and waits for
// the log line that says where it listens.
func startServer(t *testing.T, dir string, env []string, args ...string) *server {
	t.Helper()
	return startProcess(t, progressBin, dir, env, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
}

// startDeployed runs progress-server, the binary deployments run, with
// args on a free port.
func startDeployed(t *testing.T, dir string, env []string, args ...string) *server {
	t.Helper()
	return startProcess(t, serverBin, dir, env, append([]string{"--addr", "127.0.0.1:0"}, args...)...)
}

// startProcess runs bin with exactly args and waits for the log line
// that says where it listens.
func startProcess(t *testing.T, bin, dir string, env []string, args ...string) *server {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, done: make(chan struct{})}
	addr := make(chan string, 1)
	go func() {
		defer close(s.done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			s.mu.Lock()
			s.logs.WriteString(line + "\n")
			s.mu.Unlock()
			var rec struct{ Msg, Addr string }
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "serving" {
				addr <- rec.Addr
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	select {
	case a := <-addr:
		s.URL = "http://" + a
		return s
	case <-s.done:
		cmd.Wait()
		t.Fatalf("%s exited before serving:\n%s", filepath.Base(bin), s.Logs())
	case <-time.After(60 * time.Second):
		t.Fatalf("%s did not start within 60 s:\n%s", filepath.Base(bin), s.Logs())
	}
	return nil
}

// stop sends SIGTERM and returns the exit code.
func (s *server) stop(t *testing.T) int {
	t.Helper()
	if err := s.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	<-s.done
	s.cmd.Wait()
	return s.cmd.ProcessState.ExitCode()
}

// runCLI runs the CLI and returns stdout, stderr and the exit code.
func runCLI(t *testing.T, dir string, env []string, args ...string) (string, string, int) {
	t.Helper()
	return runBinary(t, progressBin, dir, env, args...)
}

// runBinary runs bin to its end and returns stdout, stderr and the exit code.
func runBinary(t *testing.T, bin, dir string, env []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if _, isExit := err.(*exec.ExitError); err != nil && !isExit {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), cmd.ProcessState.ExitCode()
}

func httpDo(t *testing.T, method, url, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// getStatus GETs url with a bearer token and returns the status code.
func getStatus(t *testing.T, url, token string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(token))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
