package test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/progresskit/progresskit/internal/testenv"
	"github.com/progresskit/progresskit/service/api"
	"github.com/progresskit/progresskit/service/auth"
	"github.com/progresskit/progresskit/service/store"
	"github.com/progresskit/progresskit/service/store/pgstore"
)

// When another transaction keeps a course locked, every attempt of a
// write waits out its lock_timeout; the store backs off between attempts
// and gives up, the API answers 503 with Retry-After, the holder's write
// is kept, and the client's retry then succeeds.
func TestPostgresRetryBudgetExhausted(t *testing.T) {
	u := testenv.PostgresDB(t)
	policy := store.RetryPolicy{Attempts: 4, Base: 40 * time.Millisecond, Max: time.Second}
	const lockTimeout = 50 * time.Millisecond
	s := openPG(t, u+"&lock_timeout=50", pgstore.Options{Retry: policy})
	srv := httptest.NewServer(api.New(s, auth.NewDev(devKey)))
	defer srv.Close()
	tok, _ := devTokens(t, "u")
	post := func(lesson string) *http.Response {
		body := `{"events":[{"id":"` + lesson + `","lessonId":"` + lesson + `","type":"complete","occurredAt":"2026-11-22T11:00:00Z","device":"web"}]}`
		req, _ := http.NewRequest("POST", srv.URL+"/v1/users/u/courses/c/events", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	if res := post("first"); res.StatusCode != http.StatusOK {
		t.Fatalf("first write: %d", res.StatusCode)
	}
	ctx := context.Background()
	holder, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close(ctx)
	tx, err := holder.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `SELECT 1 FROM progress_courses WHERE user_id = 'u' AND course_id = 'c' FOR UPDATE`); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	res := post("mine")
	elapsed := time.Since(start)
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Fatalf("a write kept out of a locked course answered %d Retry-After=%q, want 503 with Retry-After", res.StatusCode, res.Header.Get("Retry-After"))
	}
	// Every attempt waits its lock_timeout, and each retry at least half
	// its backoff ceiling: 20 + 40 + 80 ms.
	floor := time.Duration(policy.Attempts) * lockTimeout
	for a := range policy.Attempts - 1 {
		floor += policy.Ceiling(a) / 2
	}
	if elapsed < floor {
		t.Errorf("%d attempts took %v: the store did not wait and back off (at least %v)", policy.Attempts, elapsed, floor)
	}
	// The holder writes as the release before last did, and commits.
	var doc []byte
	if err := tx.QueryRow(ctx, `SELECT doc FROM progress_courses WHERE user_id = 'u' AND course_id = 'c'`).Scan(&doc); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `UPDATE progress_courses SET doc = $1 WHERE user_id = 'u' AND course_id = 'c'`,
		docWith(t, "u", "c", doc, lessonEvent("holder", time.Date(2026, 11, 22, 11, 30, 0, 0, time.UTC)))); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if res := post("mine"); res.StatusCode != http.StatusOK {
		t.Fatalf("retry once the lock is gone: %d", res.StatusCode)
	}
	got, err := s.Get(ctx, store.Key{UserID: "u", CourseID: "c"})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"first", "holder", "mine"} {
		if got.Lessons[l] == nil {
			t.Errorf("lesson %q was lost", l)
		}
	}
}
