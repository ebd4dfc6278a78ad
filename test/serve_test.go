package test

import (
	"maps"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/progresskit/progresskit/internal/testenv"
)

func eventsBody(lesson string, at time.Time) string {
	return `{"events":[{"id":"e-` + lesson + `","lessonId":"` + lesson + `","type":"complete","occurredAt":"` + at.UTC().Format(time.RFC3339) + `","device":"web","lessonCount":10}]}`
}

// The server as an operator runs it: data survives a restart, SIGTERM drains
// and exits 0, and the dev key file is created on first start and reused.
func TestServeRestartKeepsDataAndSIGTERMExitsZero(t *testing.T) {
	dir := t.TempDir()
	srv := startServer(t, dir, nil, "--auth", "dev")
	if !strings.Contains(srv.Logs(), "DEV AUTH") {
		t.Fatalf("dev mode started without its warning:\n%s", srv.Logs())
	}
	tok, stderr, code := runCLI(t, dir, nil, "token", "--user", "ada")
	if code != 0 {
		t.Fatalf("token: %s", stderr)
	}
	tok = strings.TrimSpace(tok)
	status, body := httpDo(t, "POST", srv.URL+"/v1/users/ada/courses/go-101/events", tok, eventsBody("l1", time.Now()))
	if status != 200 {
		t.Fatalf("POST: %d %s", status, body)
	}
	if code := srv.stop(t); code != 0 {
		t.Fatalf("exit code after SIGINT %d:\n%s", code, srv.Logs())
	}
	if !strings.Contains(srv.Logs(), "drained and stopped") {
		t.Fatalf("no drain log:\n%s", srv.Logs())
	}

	srv = startServer(t, dir, nil, "--auth", "dev")
	status, again := httpDo(t, "GET", srv.URL+"/v1/users/ada/courses/go-101", tok, "")
	if status != 200 || again != body {
		t.Fatalf("after restart: %d %s, want %s", status, again, body)
	}
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-srv.done
	srv.cmd.Wait()
	if code := srv.cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("exit code after SIGTERM: %d", code)
	}
}

func TestServeRefusesUnsafeAuth(t *testing.T) {
	dir := t.TempDir()
	cases := map[string][]string{
		"dev off loopback":    {"serve", "--addr", "0.0.0.0:0", "--auth", "dev"},
		"no auth":             {"serve", "--addr", "127.0.0.1:0", "--auth", "none"},
		"jwks without issuer": {"serve", "--addr", "127.0.0.1:0", "--auth", "jwks", "--jwks-url", "http://127.0.0.1:1/jwks"},
		"apigw off lambda":    {"serve", "--addr", "127.0.0.1:0", "--auth", "apigw"},
		"demo with jwks": {"serve", "--addr", "127.0.0.1:0", "--demo", "--auth", "jwks", "--jwks-url", "http://127.0.0.1:1/jwks",
			"--issuer", "https://issuer.example", "--audience", "app"},
		"demo off loopback": {"serve", "--addr", "0.0.0.0:0", "--demo"},
	}
	for name, args := range cases {
		_, stderr, code := runCLI(t, dir, nil, args...)
		if code == 0 || !strings.Contains(stderr, "--auth") && !strings.Contains(stderr, "--issuer") {
			t.Errorf("%s: exit %d, stderr %q", name, code, stderr)
		}
		// The deployed server refuses the same, and has no demo page.
		if slices.Contains(args, "--demo") {
			continue
		}
		_, stderr, code = runBinary(t, serverBin, dir, nil, args[1:]...)
		if code == 0 || !strings.Contains(stderr, "--auth") && !strings.Contains(stderr, "--issuer") {
			t.Errorf("progress-server, %s: exit %d, stderr %q", name, code, stderr)
		}
	}
	// The env twin is read like the flag.
	_, stderr, code := runCLI(t, dir, []string{"PROGRESS_AUTH=none"}, "serve", "--addr", "127.0.0.1:0")
	if code == 0 || !strings.Contains(stderr, `"none"`) {
		t.Errorf("PROGRESS_AUTH=none: exit %d %q", code, stderr)
	}
	_, stderr, code = runBinary(t, serverBin, dir, []string{"PROGRESS_AUTH=none"}, "--addr", "127.0.0.1:0")
	if code == 0 || !strings.Contains(stderr, `"none"`) {
		t.Errorf("progress-server, PROGRESS_AUTH=none: exit %d %q", code, stderr)
	}
}

// progress-server is 'progress serve' without the demo page: the same
// flags with the same help and environment twins, and --demo unknown.
func TestDeployedServerHasServesFlagsButTheDemo(t *testing.T) {
	dir := t.TempDir()
	flags := func(bin string, args ...string) map[string]string {
		t.Helper()
		_, help, code := runBinary(t, bin, dir, nil, args...)
		if code != 0 {
			t.Fatalf("%s %v: exit %d\n%s", bin, args, code, help)
		}
		out := map[string]string{}
		var name string
		for _, line := range strings.Split(help, "\n")[1:] { // after "Usage of ...:"
			if rest, ok := strings.CutPrefix(line, "  -"); ok {
				name = strings.Fields(rest)[0]
			}
			if name != "" {
				out[name] += line + "\n"
			}
		}
		return out
	}
	cli, srv := flags(progressBin, "serve", "-h"), flags(serverBin, "-h")
	if _, ok := cli["demo"]; !ok {
		t.Fatalf("progress serve has no --demo:\n%v", cli)
	}
	delete(cli, "demo")
	if !maps.Equal(cli, srv) {
		t.Errorf("progress serve's flags but --demo:\n%v\nprogress-server's:\n%v", cli, srv)
	}
	_, stderr, code := runBinary(t, serverBin, dir, nil, "--demo")
	if code != 2 || !strings.Contains(stderr, "flag provided but not defined: -demo") {
		t.Errorf("progress-server --demo: exit %d %q", code, stderr)
	}
}

// store init creates what each store needs and is safe to run again; the
// DynamoDB table it creates is the one the server then uses.
func TestStoreInitIsRepeatable(t *testing.T) {
	dir := t.TempDir()
	table := "progress-" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-"))
	urls := []string{
		"sqlite://" + dir + "/init.db",
		testenv.PostgresDB(t),
		"dynamodb://" + table + "?region=us-east-1&endpoint=" + testenv.DynamoEndpoint(t),
	}
	for _, u := range urls {
		for run := 1; run <= 2; run++ {
			out, stderr, code := runCLI(t, dir, nil, "store", "init", "--store", u)
			if code != 0 || !strings.Contains(out, "store ready") {
				t.Fatalf("store init %s (run %d): exit %d %s %s", u, run, code, out, stderr)
			}
		}
	}
	srv := startServer(t, dir, nil, "--auth", "dev", "--store", urls[2])
	if status, body := httpDo(t, "GET", srv.URL+"/readyz", "", ""); status != 200 {
		t.Fatalf("server on the initialised table: %d %s", status, body)
	}
	_, stderr, code := runCLI(t, dir, nil, "store", "init", "--store", "mysql://x")
	if code == 0 || !strings.Contains(stderr, "sqlite://") {
		t.Fatalf("unknown scheme: exit %d %q", code, stderr)
	}
}
