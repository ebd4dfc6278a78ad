package test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/progresskit/progresskit/service/httpserver"
)

// writeLoad is a steady stream of one-lesson writes by several writers,
// each to its own learner and course, recording what was acknowledged.
type writeLoad struct {
	base, token string
	mu          sync.Mutex
	acked       map[string][]string // course path -> lessons answered 2xx
	statuses    map[int]int
	noRetry     int // 503 or 429 without Retry-After
	slowest     time.Duration
	transport   int // requests that got no HTTP answer
	okCount     int
}

// requestTimeout bounds one request: an outage must answer, not hang.
const requestTimeout = 10 * time.Second

func newWriteLoad(base, token string) *writeLoad {
	return &writeLoad{base: base, token: token, acked: map[string][]string{}, statuses: map[int]int{}}
}

// run sends from writers, one request every interval each, until ctx ends.
func (l *writeLoad) run(ctx context.Context, writers int, interval time.Duration) *sync.WaitGroup {
	client := &http.Client{Timeout: requestTimeout}
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			course := fmt.Sprintf("/v1/users/fault-%d/courses/c1", w)
			tick := time.NewTicker(interval)
			defer tick.Stop()
			for i := 0; ; i++ {
				select {
				case <-ctx.Done():
					return
				case <-tick.C:
				}
				lesson := fmt.Sprintf("l%d", i)
				body := `{"events":[{"id":"` + lesson + `","lessonId":"` + lesson + `","type":"complete","occurredAt":"` + time.Now().UTC().Format(time.RFC3339) + `","device":"web"}]}`
				req, _ := http.NewRequest(http.MethodPost, l.base+course+"/events", strings.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+l.token)
				req.Header.Set("Content-Type", "application/json")
				start := time.Now()
				resp, err := client.Do(req)
				took := time.Since(start)
				l.mu.Lock()
				l.slowest = max(l.slowest, took)
				if err != nil {
					l.transport++
				} else {
					resp.Body.Close()
					l.statuses[resp.StatusCode]++
					if resp.StatusCode/100 == 2 {
						l.acked[course] = append(l.acked[course], lesson)
						l.okCount++
					}
					if (resp.StatusCode == 503 || resp.StatusCode == 429) && resp.Header.Get("Retry-After") == "" {
						l.noRetry++
					}
				}
				l.mu.Unlock()
			}
		}()
	}
	return &wg
}

func (l *writeLoad) count(status int) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if status == 200 {
		return l.okCount
	}
	return l.statuses[status]
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// checkAcked: every write answered 2xx is in the store, read through base.
func (l *writeLoad) checkAcked(t *testing.T, base string) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	total := 0
	for course, lessons := range l.acked {
		req, _ := http.NewRequest(http.MethodGet, base+course, nil)
		req.Header.Set("Authorization", "Bearer "+l.token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var view struct {
			Lessons map[string]struct{ Completed bool }
		}
		json.NewDecoder(resp.Body).Decode(&view)
		resp.Body.Close()
		for _, lesson := range lessons {
			total++
			if !view.Lessons[lesson].Completed {
				t.Errorf("%s: lesson %s was acknowledged but is not stored", course, lesson)
			}
		}
	}
	if total == 0 {
		t.Fatal("no write was acknowledged: nothing was checked")
	}
}

// serverDir is a directory the postgres user can reach, for a cluster of
// the test's own.
func serverDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "progress-fault-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func script(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command("servers/"+name, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("%s %v: %v\n%s", name, args, err, msg)
	}
	return strings.TrimSpace(string(out))
}

// The store goes away under a steady load and comes back: meanwhile the
// server answers 503 with Retry-After, never a 500 and never a hang; the
// same process recovers; every acknowledged write is there afterwards.
func TestStoreOutageUnderLoad(t *testing.T) {
	for _, kind := range []string{"postgres", "dynamodb"} {
		t.Run(kind, func(t *testing.T) {
			dir := serverDir(t)
			var storeURL, scriptName string
			var env []string
			switch kind {
			case "postgres":
				scriptName = "postgres.sh"
				storeURL = script(t, nil, scriptName, "start", filepath.Join(dir, "srv"))
			case "dynamodb":
				scriptName, env = "dynamodb-local.sh", []string{"PERSIST=1"}
				endpoint := script(t, env, scriptName, "start", filepath.Join(dir, "srv"))
				storeURL = "dynamodb://faults?region=us-east-1&endpoint=" + endpoint
			}
			t.Cleanup(func() { exec.Command("servers/"+scriptName, "stop", filepath.Join(dir, "srv")).Run() })
			work := t.TempDir()
			if _, stderr, code := runCLI(t, work, nil, "store", "init", "--store", storeURL); code != 0 {
				t.Fatalf("store init: %s", stderr)
			}
			srv := startServer(t, work, nil, "--auth", "dev", "--store", storeURL)
			admin, _, _ := runCLI(t, work, nil, "token", "--user", "ops", "--admin")
			load := newWriteLoad(srv.URL, strings.TrimSpace(admin))
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			wg := load.run(ctx, 4, 50*time.Millisecond)

			waitFor(t, "writes before the outage", 30*time.Second, func() bool { return load.count(200) >= 40 })
			script(t, nil, scriptName, "pause", filepath.Join(dir, "srv"))
			waitFor(t, "503s during the outage", 60*time.Second, func() bool { return load.count(503) >= 12 })
			okBefore := load.count(200)
			script(t, env, scriptName, "resume", filepath.Join(dir, "srv"))
			waitFor(t, "writes after the outage, by the same process", 60*time.Second, func() bool { return load.count(200) >= okBefore+40 })
			cancel()
			wg.Wait()

			load.mu.Lock()
			for status, n := range load.statuses {
				if status != 200 && status != 503 {
					t.Errorf("%d answers %d; an outage must give 503", n, status)
				}
			}
			if load.noRetry > 0 || load.transport > 0 || load.slowest >= requestTimeout {
				t.Errorf("%d 503s without Retry-After, %d requests without an answer, slowest %v", load.noRetry, load.transport, load.slowest)
			}
			t.Logf("statuses %v, slowest %v", load.statuses, load.slowest)
			load.mu.Unlock()
			load.checkAcked(t, srv.URL)
			if code := srv.stop(t); code != 0 {
				t.Errorf("exit %d after the outage", code)
			}
			// The outage's errors are logged without the token that was
			// sent with every request.
			if sig := strings.Split(load.token, ".")[2]; strings.Contains(srv.Logs(), sig) {
				t.Error("the server's logs contain the clients' token")
			}
		})
	}
}

// SIGTERM under load: requests in flight finish, new connections are
// refused, the exit code is 0, and every acknowledged write is stored.
// SIGKILL on SQLite: after a restart the file opens and holds every
// acknowledged write.
func TestProcessDeathUnderLoad(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			work := t.TempDir()
			storeURL := "sqlite://" + filepath.Join(work, "p.db")
			srv := startServer(t, work, nil, "--auth", "dev", "--store", storeURL)
			admin, _, _ := runCLI(t, work, nil, "token", "--user", "ops", "--admin")
			load := newWriteLoad(srv.URL, strings.TrimSpace(admin))
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			wg := load.run(ctx, 8, 10*time.Millisecond)
			waitFor(t, "writes under load", 30*time.Second, func() bool { return load.count(200) >= 100 })
			if err := srv.cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			<-srv.done
			srv.cmd.Wait()
			cancel()
			wg.Wait()
			if sig == syscall.SIGTERM {
				if code := srv.cmd.ProcessState.ExitCode(); code != 0 {
					t.Errorf("exit %d after SIGTERM", code)
				}
				if c, err := net.DialTimeout("tcp", strings.TrimPrefix(srv.URL, "http://"), time.Second); err == nil {
					c.Close()
					t.Error("new connections are still accepted after SIGTERM")
				}
			}
			load.mu.Lock()
			for status, n := range load.statuses {
				if status != 200 {
					t.Errorf("%d answers %d while the server was stopping", n, status)
				}
			}
			load.mu.Unlock()
			again := startServer(t, work, nil, "--auth", "dev", "--store", storeURL)
			load.checkAcked(t, again.URL)
		})
	}
}

// A client that goes away halfway through its body leaves nothing behind.
func TestClientDisconnectMidRequestLeavesNoState(t *testing.T) {
	work := t.TempDir()
	srv := startServer(t, work, nil, "--auth", "dev", "--store", "sqlite://"+filepath.Join(work, "p.db"))
	tok, _, _ := runCLI(t, work, nil, "token", "--user", "ada")
	body := `{"events":[{"id":"half","lessonId":"l1","type":"complete","occurredAt":"` + time.Now().UTC().Format(time.RFC3339) + `","device":"web"}]}`
	for range 20 {
		c, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "POST /v1/users/ada/courses/half/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
			strings.TrimSpace(tok), len(body), body[:len(body)/2])
		c.Close()
	}
	if code := getStatus(t, srv.URL+"/v1/users/ada/courses/half", tok); code != http.StatusNotFound {
		t.Errorf("after 20 half-sent requests the course answers %d, want 404 (nothing stored)", code)
	}
}

// Slowloris: hundreds of connections that never finish their headers, or
// finish them and never send their body, do not keep others out, and the
// server closes each at its header or read timeout.
func TestSlowClientsDoNotExhaustTheServer(t *testing.T) {
	work := t.TempDir()
	srv := startServer(t, work, nil, "--auth", "dev", "--store", "sqlite://"+filepath.Join(work, "p.db"))
	addr := strings.TrimPrefix(srv.URL, "http://")
	tok, _, _ := runCLI(t, work, nil, "token", "--user", "ada")
	var slow []net.Conn
	for i := range 300 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 { // headers that never end
			fmt.Fprint(c, "GET /v1/users/ada/courses HTTP/1.1\r\nHost: x\r\nX-Slow: ")
		} else { // a body that never comes
			fmt.Fprintf(c, "POST /v1/users/ada/courses/slow/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{\"events\":[", strings.TrimSpace(tok))
		}
		slow = append(slow, c)
	}
	defer func() {
		for _, c := range slow {
			c.Close()
		}
	}()
	client := &http.Client{Timeout: 2 * time.Second}
	for range 20 {
		resp, err := client.Get(srv.URL + "/healthz")
		if err != nil {
			t.Fatalf("a normal request failed beside 300 slow ones: %v", err)
		}
		resp.Body.Close()
	}
	// Each slow connection is answered or closed by the server (a 408 or
	// 400, EOF, or a reset), not left open: the read ends well before our
	// own deadline, the server's read timeout and a margin.
	deadline := time.Now().Add(httpserver.ReadTimeout + 5*time.Second)
	for i, c := range slow {
		c.SetReadDeadline(deadline)
		_, err := c.Read(make([]byte, 512))
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			t.Fatalf("slow connection %d was still open %v after it began", i, httpserver.ReadTimeout+5*time.Second)
		}
	}
}
