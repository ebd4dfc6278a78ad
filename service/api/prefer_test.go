package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/progresskit/progresskit/service/api"
	"github.com/progresskit/progresskit/service/progress"
	"github.com/progresskit/progresskit/service/store"
)

// askingStore records what each write asked the store to return.
type askingStore struct {
	store.Store
	asked []store.Return
}

func (s *askingStore) Record(ctx context.Context, k store.Key, events []progress.Event, ret store.Return) (*progress.Course, error) {
	s.asked = append(s.asked, ret)
	return s.Store.Record(ctx, k, events, ret)
}

// Prefer: return=minimal (RFC 7240) gets the acknowledgement alone, and
// the store is not asked for the course; without it the answer is the
// merged course, as before.
func TestPreferReturnMinimal(t *testing.T) {
	var asking *askingStore
	f := newFixture(t, func(s store.Store) store.Store { asking = &askingStore{Store: s}; return asking })
	tok := token(t, "ada", false)
	post := func(prefer string, n int) response {
		req, _ := http.NewRequest("POST", f.srv.URL+"/v1/users/ada/courses/c1/events",
			strings.NewReader(`{"events":[`+event("e"+string(rune('a'+n)), "l1", "progress", now.Add(time.Duration(n)*time.Second), `,"positionSeconds":`+string(rune('1'+n)))+`]}`))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		if prefer != "" {
			req.Header.Set("Prefer", prefer)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var body [1]byte
		read, _ := res.Body.Read(body[:])
		return response{status: res.StatusCode, header: res.Header, body: body[:read]}
	}
	for i, prefer := range []string{api.PreferMinimal, "respond-async, return=minimal", `Return = "minimal"; x=1`} {
		r := post(prefer, i)
		if r.status != http.StatusNoContent || r.header.Get("Preference-Applied") != api.PreferMinimal || len(r.body) != 0 {
			t.Errorf("Prefer %q: %d, Preference-Applied %q, body %q; want 204, %s, none", prefer, r.status, r.header.Get("Preference-Applied"), r.body, api.PreferMinimal)
		}
		if last := asking.asked[len(asking.asked)-1]; last != store.ReturnNothing {
			t.Errorf("Prefer %q: the store was asked for the course", prefer)
		}
	}
	for i, prefer := range []string{"", "return=representation", "handling=lenient"} {
		r := post(prefer, 3+i)
		if r.status != http.StatusOK || r.header.Get("Preference-Applied") != "" || len(r.body) == 0 {
			t.Errorf("Prefer %q: %d %q, want 200 with the course", prefer, r.status, r.header.Get("Preference-Applied"))
		}
		if last := asking.asked[len(asking.asked)-1]; last != store.ReturnCourse {
			t.Errorf("Prefer %q: the store was not asked for the course", prefer)
		}
	}
	// What the minimal writes stored is there.
	got := f.do("GET", "/v1/users/ada/courses/c1", tok, "", nil)
	if got.status != 200 || !strings.Contains(string(got.body), `"positionEventId":"ef"`) {
		t.Fatalf("after minimal writes: %d %s", got.status, got.body)
	}
}
