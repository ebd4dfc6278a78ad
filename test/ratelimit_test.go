package test

import (
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/progresskit/progresskit/service/settings"
)

// Over a learner's limit the server answers 429 with Retry-After and
// writes nothing; other learners are unaffected. The limits come from the
// flags' environment twins, as a deployment sets them.
func TestPerLearnerRateLimit(t *testing.T) {
	dir := t.TempDir()
	srv := startServer(t, dir, []string{settings.UserRateLimit.Env + "=1", settings.UserRateBurst.Env + "=3"},
		"--auth", "dev", "--store", "sqlite://"+filepath.Join(dir, "p.db"))
	admin, _, _ := runCLI(t, dir, nil, "token", "--user", "ops", "--admin")
	post := func(user, id string) *http.Response {
		body := `{"events":[{"id":"` + id + `","lessonId":"l1","type":"complete","occurredAt":"` + time.Now().UTC().Format(time.RFC3339) + `","device":"web"}]}`
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/v1/users/"+user+"/courses/c1/events", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(admin))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	var limited *http.Response
	for i := range 6 {
		resp := post("ada", "e"+strconv.Itoa(i))
		if i < 3 && resp.StatusCode != 200 {
			t.Fatalf("request %d within the burst: %d", i, resp.StatusCode)
		}
		if resp.StatusCode == http.StatusTooManyRequests {
			limited = resp
			break
		}
	}
	if limited == nil {
		t.Fatal("six requests in a burst of three at 1/s were all admitted")
	}
	if s, err := strconv.Atoi(limited.Header.Get("Retry-After")); err != nil || s < 1 {
		t.Errorf("Retry-After %q, want whole seconds", limited.Header.Get("Retry-After"))
	}
	if resp := post("grace", "g1"); resp.StatusCode != 200 {
		t.Errorf("another learner got %d while ada was limited", resp.StatusCode)
	}
	_, stderr, code := runCLI(t, dir, []string{settings.RateLimit.Env + "=-1"}, "serve", "--addr", "127.0.0.1:0")
	if code != 2 || !strings.Contains(stderr, "negative") {
		t.Errorf("a negative limit: exit %d %q", code, stderr)
	}
}
