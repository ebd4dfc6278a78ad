package test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/progresskit/progresskit/service/api"
	"github.com/progresskit/progresskit/service/auth"
	"github.com/progresskit/progresskit/service/progress"
	"github.com/progresskit/progresskit/service/store"
	"github.com/progresskit/progresskit/service/store/pgstore"
	"github.com/progresskit/progresskit/test/testenv"
)

// interferingStore lets another writer win the race on every attempt, as
// lasting contention on one course would.
type interferingStore struct {
	store.Store
	other store.Store
	n     int
}

func (s *interferingStore) Update(ctx context.Context, k store.Key, fn store.UpdateFunc) (*progress.Course, error) {
	return s.Store.Update(ctx, k, func(c *progress.Course) error {
		s.n++
		ev := lessonEvent(fmt.Sprintf("other-%d", s.n), time.Date(2026, 11, 22, 10, 0, s.n, 0, time.UTC))
		if _, err := s.other.Update(ctx, k, func(c *progress.Course) error { return c.ApplyBatch([]progress.Event{ev}) }); err != nil {
			return err
		}
		return fn(c)
	})
}

// When every attempt loses the race, the store backs off between attempts
// and gives up; the API answers 503 with Retry-After, every write that won
// is kept, and the client's retry then succeeds.
func TestPostgresRetryBudgetExhausted(t *testing.T) {
	u := testenv.PostgresDB(t)
	policy := store.RetryPolicy{Attempts: 4, Base: 40 * time.Millisecond, Max: time.Second}
	s := &interferingStore{Store: openPG(t, u, pgstore.Options{Retry: policy}), other: openPG(t, u, pgstore.Options{})}
	srv := httptest.NewServer(api.New(s, auth.NewDev(devKey)))
	defer srv.Close()
	tok, _ := devTokens(t, "u")
	body := `{"events":[{"id":"mine","lessonId":"mine","type":"complete","occurredAt":"2026-11-22T11:00:00Z","device":"web"}]}`
	post := func() *http.Response {
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
	start := time.Now()
	res := post()
	elapsed := time.Since(start)
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Fatalf("exhausted retries answered %d Retry-After=%q, want 503 with Retry-After", res.StatusCode, res.Header.Get("Retry-After"))
	}
	// Each retry waits at least half its ceiling: 20 + 40 + 80 ms.
	var floor time.Duration
	for a := range policy.Attempts - 1 {
		floor += policy.Ceiling(a) / 2
	}
	if elapsed < floor {
		t.Errorf("%d attempts took %v: the store did not back off (at least %v)", policy.Attempts, elapsed, floor)
	}
	if s.n != policy.Attempts {
		t.Errorf("%d attempts, want %d", s.n, policy.Attempts)
	}
	got, err := s.Get(context.Background(), store.Key{UserID: "u", CourseID: "c"})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= s.n; i++ {
		if got.Lessons[fmt.Sprintf("other-%d", i)] == nil {
			t.Errorf("the winning write other-%d was lost", i)
		}
	}
	if got.Lessons["mine"] != nil {
		t.Error("a request answered 503 was stored")
	}
	s.other = noInterference{s.Store}
	if res := post(); res.StatusCode != http.StatusOK {
		t.Fatalf("retry after the contention: %d", res.StatusCode)
	}
}

// noInterference stands in for the other writer once contention ends.
type noInterference struct{ store.Store }

func (noInterference) Update(context.Context, store.Key, store.UpdateFunc) (*progress.Course, error) {
	return nil, nil
}
