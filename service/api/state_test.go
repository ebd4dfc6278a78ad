package api_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// learner is someone whose progress readState reads, with their token.
type learner struct{ user, tok string }

// state is what learners can read of their progress, for "a refused
// request changes nothing" checks.
type state struct{ listings, courses string }

func (s state) String() string { return "listings:\n" + s.listings + "\ncourses:\n" + s.courses }

// readState reads every page of each learner's course listing, and the
// full view (GET /v1/users/{u}/courses/{c}) of every course listed and of
// each touched one ("user/course", listed or not: a refused request must
// not create it either). The views are what a listing leaves out:
// positions and event ids.
func readState(t testing.TB, h http.Handler, learners []learner, touched ...string) state {
	t.Helper()
	var listings, courses []string
	tokens := map[string]string{}
	seen := map[string]bool{}
	var read []string
	for _, l := range learners {
		tokens[l.user] = l.tok
		for cursor := ""; ; {
			rec := serve(h, http.MethodGet, "/v1/users/"+l.user+"/courses?limit=100"+cursor, l.tok, nil)
			var page struct {
				Courses    []struct{ CourseID string }
				NextCursor string
			}
			if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &page) != nil {
				t.Fatalf("listing %s's courses: %d %s", l.user, rec.Code, rec.Body)
			}
			listings = append(listings, strings.TrimSpace(rec.Body.String()))
			for _, c := range page.Courses {
				if uc := l.user + "/" + c.CourseID; !seen[uc] {
					seen[uc] = true
					read = append(read, uc)
				}
			}
			if page.NextCursor == "" {
				break
			}
			cursor = "&cursor=" + url.QueryEscape(page.NextCursor)
		}
	}
	for _, uc := range touched {
		if !seen[uc] {
			seen[uc] = true
			read = append(read, uc)
		}
	}
	for _, uc := range read {
		user, course, _ := strings.Cut(uc, "/")
		tok, ok := tokens[user]
		if !ok {
			t.Fatalf("touched course %s of a learner not given", uc)
		}
		rec := serve(h, http.MethodGet, "/v1/users/"+user+"/courses/"+url.PathEscape(course), tok, nil)
		switch rec.Code {
		case http.StatusOK:
			courses = append(courses, uc+": "+strings.TrimSpace(rec.Body.String()))
		case http.StatusNotFound:
			// The error body's requestId differs per request.
			courses = append(courses, uc+": none")
		default:
			t.Fatalf("reading %s: %d %s", uc, rec.Code, rec.Body)
		}
	}
	return state{listings: strings.Join(listings, "\n"), courses: strings.Join(courses, "\n")}
}

// The listings summarize courses without positions or event ids. An event
// of the same lesson at the same time with a greater id comes later in the
// merge and moves the position, but leaves every field of the listing as
// it was, so a comparison of listings alone misses it: readState must not.
func TestReadStateSeesAChangeOfPositionAlone(t *testing.T) {
	fx := newFixture(t)
	h := fx.srv.Config.Handler
	ada := learner{"ada", token(t, "ada", false)}
	at := now.Add(-time.Minute)
	if r := fx.post(ada.tok, "ada", "c1", event("e1", "l1", "progress", at, `,"positionSeconds":5,"lessonCount":4`)); r.status != 200 {
		t.Fatalf("seed: %d %s", r.status, r.body)
	}
	before := readState(t, h, []learner{ada}, "ada/c1")
	if r := fx.post(ada.tok, "ada", "c1", event("e2", "l1", "progress", at, `,"positionSeconds":99,"lessonCount":4`)); r.status != 200 || !strings.Contains(string(r.body), `"positionSeconds":99`) {
		t.Fatalf("position change: %d %s", r.status, r.body)
	}
	after := readState(t, h, []learner{ada}, "ada/c1")
	if after.listings != before.listings {
		t.Fatalf("the listing now shows a change of position, so this test no longer shows why course views are read:\nbefore %s\nafter  %s", before.listings, after.listings)
	}
	if after == before {
		t.Errorf("a change of position is invisible to readState:\n%s", after)
	}
}
