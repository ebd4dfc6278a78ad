package api_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

func serve(h http.Handler, method, path, tok string, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// FuzzPostEvents: whatever the body, the answer is 200 or a 4xx, never a
// 5xx, and a refused batch changes nothing: not the course's full view, not
// the learner's listing.
func FuzzPostEvents(f *testing.F) {
	f.Add([]byte(`{"events":[` + event("e1", "l1", "complete", now, "") + `]}`))
	f.Add([]byte(`{"events":[{"id":"e2","lessonId":"l1","type":"progress","positionSeconds":1e308,"occurredAt":"2026-01-01T00:00:00Z","device":"web"}]}`))
	f.Add([]byte(`{"events":[],"events":[]}`))
	f.Add([]byte(`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`))
	f.Add([]byte("{\"events\":[{\"id\":\"\xff\xfe\"}]}"))
	fx := newFixture(f)
	h := fx.srv.Config.Handler
	tok := token(f, "ada", false)
	const path = "/v1/users/ada/courses/fuzz/events"
	learners := []learner{{"ada", tok}}
	f.Fuzz(func(t *testing.T, body []byte) {
		before := readState(t, h, learners, "ada/fuzz")
		rec := serve(h, http.MethodPost, path, tok, body)
		if rec.Code >= 500 {
			t.Fatalf("%d for %q: %s", rec.Code, body, rec.Body)
		}
		if rec.Code != http.StatusOK {
			if after := readState(t, h, learners, "ada/fuzz"); after != before {
				t.Fatalf("a refused batch (%d) changed progress:\nbefore %s\nafter  %s", rec.Code, before, after)
			}
		}
	})
}

// FuzzListCursor: a forged or replayed cursor is a 400 or a page of the
// caller's own courses, never another learner's and never a 5xx.
func FuzzListCursor(f *testing.F) {
	fx := newFixture(f)
	ada, grace := token(f, "ada", false), token(f, "grace", false)
	for _, c := range []string{"a1", "a2", "a3"} {
		fx.post(ada, "ada", c, event("e-"+c, "l1", "complete", now, ""))
	}
	for _, c := range []string{"a15", "b1", "g1"} {
		fx.post(grace, "grace", c, event("e-"+c, "l1", "complete", now, ""))
	}
	f.Add(base64.RawURLEncoding.EncodeToString([]byte("a1")), "1")
	f.Add(base64.RawURLEncoding.EncodeToString([]byte("a1")), "0")
	f.Add("../grace", "2")
	f.Add("%00", "-1")
	f.Add(base64.RawURLEncoding.EncodeToString([]byte("a15")), "100")
	h := fx.srv.Config.Handler
	f.Fuzz(func(t *testing.T, cursor, limit string) {
		q := url.Values{"cursor": {cursor}, "limit": {limit}}
		rec := serve(h, http.MethodGet, "/v1/users/ada/courses?"+q.Encode(), ada, nil)
		switch rec.Code {
		case http.StatusOK:
			var page struct{ Courses []struct{ UserID string } }
			if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
				t.Fatal(err)
			}
			for _, c := range page.Courses {
				if c.UserID != "ada" {
					t.Fatalf("cursor %q listed %s's course", cursor, c.UserID)
				}
			}
		case http.StatusBadRequest:
		default:
			t.Fatalf("cursor %q limit %q: %d %s", cursor, limit, rec.Code, rec.Body)
		}
	})
}
