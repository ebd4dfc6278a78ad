package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/progresskit/progresskit/service/api"
	"github.com/progresskit/progresskit/service/auth"
	"github.com/progresskit/progresskit/service/progress"
	"github.com/progresskit/progresskit/service/store"
	"github.com/progresskit/progresskit/service/store/sqlitestore"
)

var (
	devKey = []byte("0123456789abcdef0123456789abcdef")
	now    = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
)

type fixture struct {
	t     testing.TB
	srv   *httptest.Server
	store store.Store
	logs  *bytes.Buffer
}

func newFixture(t testing.TB, wrap ...func(store.Store) store.Store) *fixture {
	t.Helper()
	st, err := sqlitestore.Open(context.Background(), filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var s store.Store = st
	for _, w := range wrap {
		s = w(s)
	}
	logs := &bytes.Buffer{}
	h := api.New(s, auth.NewDev(devKey), api.WithClock(func() time.Time { return now }),
		api.WithLogger(slog.New(slog.NewJSONHandler(logs, nil))))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &fixture{t: t, srv: srv, store: s, logs: logs}
}

func token(t testing.TB, user string, admin bool) string {
	t.Helper()
	tok, err := auth.DevToken(devKey, user, admin, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) errorCode() string {
	var e struct {
		Error struct{ Code, Message string }
	}
	json.Unmarshal(r.body, &e)
	return e.Error.Code
}

func (f *fixture) do(method, path, tok, contentType string, body []byte) response {
	f.t.Helper()
	req, err := http.NewRequest(method, f.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{res.StatusCode, res.Header, b}
}

func (f *fixture) post(tok, user, course string, events ...string) response {
	return f.do(http.MethodPost, "/v1/users/"+user+"/courses/"+course+"/events", tok, "application/json",
		[]byte(`{"events":[`+strings.Join(events, ",")+`]}`))
}

func event(id, lesson, typ string, at time.Time, extra string) string {
	return fmt.Sprintf(`{"id":%q,"lessonId":%q,"type":%q,"occurredAt":%q,"device":"web"%s}`, id, lesson, typ, at.Format(time.RFC3339Nano), extra)
}

func TestRecordReadListReset(t *testing.T) {
	f := newFixture(t)
	tok := token(t, "ada", false)
	res := f.post(tok, "ada", "go-101",
		event("e1", "l1", "progress", now.Add(-time.Hour), `,"positionSeconds":120.5,"lessonCount":4`),
		event("e2", "l2", "complete", now.Add(-30*time.Minute), ""))
	if res.status != 200 {
		t.Fatalf("POST = %d %s", res.status, res.body)
	}
	var c progress.CourseView
	if err := json.Unmarshal(res.body, &c); err != nil {
		t.Fatal(err)
	}
	if c.CompletedCount != 1 || *c.PercentComplete != 25 || *c.Lessons["l1"].PositionSeconds != 120.5 || c.LastLessonID != "l2" {
		t.Fatalf("merged view wrong: %s", res.body)
	}
	get := f.do("GET", "/v1/users/ada/courses/go-101", tok, "", nil)
	if get.status != 200 || !bytes.Equal(get.body, res.body) {
		t.Fatalf("GET = %d %s, want the POST's body", get.status, get.body)
	}
	if get.header.Get("Content-Type") != "application/json" || get.header.Get(api.RequestIDHeader) == "" {
		t.Fatalf("headers: %v", get.header)
	}

	// Pagination over three pages, in courseId byte order.
	for _, id := range []string{"b", "a", "C", "d", "e"} {
		if r := f.post(tok, "ada", id, event("x", "l1", "complete", now, "")); r.status != 200 {
			t.Fatal(r.status)
		}
	}
	var seen []string
	cursor := ""
	for pages := 0; ; pages++ {
		r := f.do("GET", "/v1/users/ada/courses?limit=2"+cursor, tok, "", nil)
		var page struct {
			Courses    []progress.Summary
			NextCursor string
		}
		if r.status != 200 || json.Unmarshal(r.body, &page) != nil || len(page.Courses) > 2 || pages > 4 {
			t.Fatalf("page %d: %d %s", pages, r.status, r.body)
		}
		for _, s := range page.Courses {
			seen = append(seen, s.CourseID)
		}
		if page.NextCursor == "" {
			break
		}
		cursor = "&cursor=" + page.NextCursor
	}
	if got := strings.Join(seen, ","); got != "C,a,b,d,e,go-101" {
		t.Fatalf("listed %s", got)
	}

	if r := f.do("DELETE", "/v1/users/ada/courses/go-101", tok, "", nil); r.status != 204 || len(r.body) != 0 {
		t.Fatalf("DELETE = %d %s", r.status, r.body)
	}
	if r := f.do("GET", "/v1/users/ada/courses/go-101", tok, "", nil); r.status != 404 || r.errorCode() != api.CodeNotFound {
		t.Fatalf("GET after reset = %d %s", r.status, r.body)
	}
	// A device syncing late with events from before the reset changes nothing.
	f.post(tok, "ada", "go-101", event("late", "l3", "complete", now.Add(-time.Minute), ""))
	if r := f.do("GET", "/v1/users/ada/courses/go-101", tok, "", nil); r.status != 404 {
		t.Fatalf("late event revived a reset course: %d %s", r.status, r.body)
	}
	// One after the reset counts.
	if r := f.post(tok, "ada", "go-101", event("new", "l3", "complete", now.Add(time.Second), "")); r.status != 200 || !strings.Contains(string(r.body), `"completedCount":1`) {
		t.Fatalf("event after reset: %d %s", r.status, r.body)
	}
}

func TestAccessControl(t *testing.T) {
	f := newFixture(t)
	ada, bob, admin := token(t, "ada", false), token(t, "bob", false), token(t, "ops", true)
	f.post(ada, "ada", "c1", event("e", "l1", "complete", now, ""))
	for _, r := range []response{
		f.do("GET", "/v1/users/ada/courses/c1", bob, "", nil),
		f.do("GET", "/v1/users/ada/courses", bob, "", nil),
		f.do("DELETE", "/v1/users/ada/courses/c1", bob, "", nil),
		f.post(bob, "ada", "c1", event("e2", "l2", "complete", now, "")),
	} {
		if r.status != 403 || r.errorCode() != api.CodeForbidden {
			t.Errorf("bob on ada's data: %d %s", r.status, r.body)
		}
	}
	if r := f.do("GET", "/v1/users/ada/courses/c1", admin, "", nil); r.status != 200 || strings.Contains(string(r.body), "l2") {
		t.Errorf("admin read: %d %s", r.status, r.body)
	}
	for name, h := range map[string]string{"no header": "", "not bearer": "Basic YWRhOnB3", "bad token": "Bearer abc.def.ghi",
		"expired": "Bearer " + mustExpired(t)} {
		req, _ := http.NewRequest("GET", f.srv.URL+"/v1/users/ada/courses/c1", nil)
		if h != "" {
			req.Header.Set("Authorization", h)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 401 || !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") || !strings.Contains(string(body), `"unauthorized"`) {
			t.Errorf("%s: %d %q %s", name, res.StatusCode, res.Header.Get("WWW-Authenticate"), body)
		}
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		if r := f.do("GET", p, "", "", nil); r.status != 200 {
			t.Errorf("%s without token = %d", p, r.status)
		}
	}
}

func mustExpired(t *testing.T) string {
	tok, err := auth.DevToken(devKey, "ada", false, time.Minute, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestInvalidInputIsRejectedAndChangesNothing(t *testing.T) {
	f := newFixture(t)
	tok := token(t, "ada", false)
	ok := event("e0", "l0", "progress", now, `,"positionSeconds":1`)
	if r := f.post(tok, "ada", "c1", ok); r.status != 200 {
		t.Fatal(r.status)
	}
	learners := []learner{{"ada", tok}}
	before := readState(t, f.srv.Config.Handler, learners, "ada/c1", "ada/none")
	long := strings.Repeat("x", 129)
	cases := []struct {
		name, method, path, ctype, body string
		status                          int
		code, mention                   string
	}{
		{"bad user id", "GET", "/v1/users/a%20b/courses", "", "", 400, api.CodeInvalidRequest, "userId"},
		{"long course id", "GET", "/v1/users/ada/courses/" + long, "", "", 400, api.CodeInvalidRequest, "courseId"},
		{"limit 0", "GET", "/v1/users/ada/courses?limit=0", "", "", 400, api.CodeInvalidRequest, "limit"},
		{"limit 101", "GET", "/v1/users/ada/courses?limit=101", "", "", 400, api.CodeInvalidRequest, "limit"},
		{"bad cursor", "GET", "/v1/users/ada/courses?cursor=!!", "", "", 400, api.CodeInvalidRequest, "cursor"},
		{"no events", "POST", "/v1/users/ada/courses/c1/events", "application/json", `{"events":[]}`, 400, api.CodeInvalidRequest, "1 to 500"},
		{"501 events", "POST", "/v1/users/ada/courses/c1/events", "application/json", `{"events":[` + strings.TrimSuffix(strings.Repeat(ok+",", 501), ",") + `]}`, 400, api.CodeInvalidRequest, "1 to 500"},
		{"unknown field", "POST", "/v1/users/ada/courses/c1/events", "application/json", `{"events":[` + ok + `],"extra":1}`, 400, api.CodeInvalidRequest, "unknown field"},
		{"unknown event field", "POST", "/v1/users/ada/courses/c1/events", "application/json", `{"events":[{"id":"e","foo":1}]}`, 400, api.CodeInvalidRequest, "unknown field"},
		{"wrong type", "POST", "/v1/users/ada/courses/c1/events", "application/json", `{"events":[{"id":"e","lessonId":"l","type":"progress","occurredAt":"2026-11-22T10:00:00Z","device":"web","positionSeconds":"12"}]}`, 400, api.CodeInvalidRequest, "positionSeconds"},
		{"bad json", "POST", "/v1/users/ada/courses/c1/events", "application/json", `{"events":[`, 400, api.CodeInvalidRequest, "JSON"},
		{"trailing data", "POST", "/v1/users/ada/courses/c1/events", "application/json", `{"events":[` + ok + `]} {}`, 400, api.CodeInvalidRequest, "after"},
		{"empty body", "POST", "/v1/users/ada/courses/c1/events", "application/json", ``, 400, api.CodeInvalidRequest, "empty"},
		{"future event", "POST", "/v1/users/ada/courses/c1/events", "application/json", `{"events":[` + ok + "," + event("e9", "l9", "complete", now.Add(6*time.Minute), "") + `]}`, 400, api.CodeInvalidRequest, "events[1].occurredAt"},
		{"position too large", "POST", "/v1/users/ada/courses/c1/events", "application/json", `{"events":[` + event("e9", "l9", "progress", now, `,"positionSeconds":604801`) + `]}`, 400, api.CodeInvalidRequest, "positionSeconds"},
		{"lessonCount too large", "POST", "/v1/users/ada/courses/c1/events", "application/json", `{"events":[` + event("e9", "l9", "complete", now, `,"lessonCount":10001`) + `]}`, 400, api.CodeInvalidRequest, "lessonCount"},
		{"not json", "POST", "/v1/users/ada/courses/c1/events", "text/plain", `{"events":[` + ok + `]}`, 415, api.CodeUnsupportedMedia, "application/json"},
		{"no content type", "POST", "/v1/users/ada/courses/c1/events", "", `{"events":[` + ok + `]}`, 415, api.CodeUnsupportedMedia, "application/json"},
		{"over 1 MiB", "POST", "/v1/users/ada/courses/c1/events", "application/json", `{"events":[` + ok + `],"pad":"` + strings.Repeat("x", api.MaxBodyBytes) + `"}`, 413, api.CodeTooLarge, "bytes"},
		{"unknown route", "GET", "/v2/anything", "", "", 404, api.CodeNotFound, "route"},
		{"no course", "GET", "/v1/users/ada/courses/none", "", "", 404, api.CodeNotFound, "none"},
		{"wrong method", "PUT", "/v1/users/ada/courses/c1", "application/json", `{}`, 405, api.CodeMethodNotAllowed, "DELETE, GET"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(tc.method, tc.path, tok, tc.ctype, []byte(tc.body))
			if r.status != tc.status || r.errorCode() != tc.code || !strings.Contains(string(r.body), tc.mention) {
				t.Fatalf("got %d %s, want %d %s mentioning %q", r.status, r.body, tc.status, tc.code, tc.mention)
			}
			if tc.status == 405 && r.header.Get("Allow") != "DELETE, GET" {
				t.Fatalf("Allow = %q", r.header.Get("Allow"))
			}
		})
	}
	if after := readState(t, f.srv.Config.Handler, learners, "ada/c1", "ada/none"); after != before {
		t.Fatalf("rejected requests changed progress:\nbefore %s\nafter  %s", before, after)
	}
}

func TestTooManyLessons(t *testing.T) {
	f := newFixture(t)
	tok := token(t, "ada", true)
	batch := func(from, n int) []string {
		var out []string
		for i := from; i < from+n; i++ {
			out = append(out, event(fmt.Sprintf("e%d", i), fmt.Sprintf("l%d", i), "complete", now, ""))
		}
		return out
	}
	for i := 0; i < progress.MaxLessonsPerCourse; i += progress.MaxEventsPerBatch {
		if r := f.post(tok, "ada", "big", batch(i, progress.MaxEventsPerBatch)...); r.status != 200 {
			t.Fatalf("filling to the limit: %d %s", r.status, r.body)
		}
	}
	learners := []learner{{"ada", tok}}
	before := readState(t, f.srv.Config.Handler, learners, "ada/big")
	r := f.post(tok, "ada", "big", batch(progress.MaxLessonsPerCourse, 1)...)
	if r.status != 422 || r.errorCode() != api.CodeTooManyLessons || !strings.Contains(string(r.body), "2000") {
		t.Fatalf("lesson 2001: %d %s", r.status, r.body)
	}
	if after := readState(t, f.srv.Config.Handler, learners, "ada/big"); after != before {
		t.Fatal("a 422 changed progress")
	}
	// Events for lessons it already has are still accepted.
	if r := f.post(tok, "ada", "big", batch(0, 3)...); r.status != 200 {
		t.Fatalf("known lessons at the limit: %d", r.status)
	}
}

// failingStore fails every call with err; panicking makes Get panic.
type failingStore struct {
	store.Store
	err   error
	panic bool
}

func (s failingStore) Get(ctx context.Context, k store.Key) (*progress.Course, error) {
	if s.panic {
		panic("secret internal detail")
	}
	return nil, s.err
}
func (s failingStore) Record(context.Context, store.Key, []progress.Event, store.Return) (*progress.Course, error) {
	return nil, s.err
}
func (s failingStore) Reset(context.Context, store.Key, time.Time) error { return s.err }
func (s failingStore) List(context.Context, string, string, int) ([]progress.Summary, error) {
	return nil, s.err
}
func (s failingStore) Ping(context.Context) error { return s.err }

func TestStoreFailures(t *testing.T) {
	tok := token(t, "ada", false)
	unavailable := newFixture(t, func(s store.Store) store.Store {
		return failingStore{Store: s, err: fmt.Errorf("%w: dial tcp 10.0.0.5:5432: connection refused", store.ErrUnavailable)}
	})
	for _, r := range []response{
		unavailable.do("GET", "/readyz", "", "", nil),
		unavailable.do("GET", "/v1/users/ada/courses/c1", tok, "", nil),
		unavailable.do("GET", "/v1/users/ada/courses", tok, "", nil),
		unavailable.post(tok, "ada", "c1", event("e", "l", "complete", now, "")),
	} {
		if r.status != 503 || r.header.Get("Retry-After") == "" || r.errorCode() != api.CodeUnavailable || strings.Contains(string(r.body), "10.0.0.5") {
			t.Errorf("store down: %d %q %s", r.status, r.header.Get("Retry-After"), r.body)
		}
	}
	if r := unavailable.do("GET", "/healthz", "", "", nil); r.status != 200 {
		t.Errorf("healthz depends on the store: %d", r.status)
	}

	broken := newFixture(t, func(s store.Store) store.Store {
		return failingStore{Store: s, err: errors.New("pq: password authentication failed for user secret_admin")}
	})
	r := broken.post(tok, "ada", "c1", event("e", "l", "complete", now, ""))
	if r.status != 500 || r.errorCode() != api.CodeInternal || strings.Contains(string(r.body), "secret_admin") {
		t.Errorf("internal error leaked or wrong: %d %s", r.status, r.body)
	}
	if !strings.Contains(broken.logs.String(), "secret_admin") {
		t.Error("the internal error was not logged for the operator")
	}

	panicky := newFixture(t, func(s store.Store) store.Store { return failingStore{Store: s, panic: true} })
	r = panicky.do("GET", "/v1/users/ada/courses/c1", tok, "", nil)
	if r.status != 500 || strings.Contains(string(r.body), "secret") {
		t.Errorf("panic: %d %s", r.status, r.body)
	}
	if r := panicky.do("GET", "/healthz", "", "", nil); r.status != 200 {
		t.Errorf("server did not survive a panic: %d", r.status)
	}
	if !strings.Contains(panicky.logs.String(), "secret internal detail") {
		t.Error("the panic was not logged")
	}
}

func TestClosedSQLiteStoreAnswers503(t *testing.T) {
	f := newFixture(t)
	f.store.Close()
	tok := token(t, "ada", false)
	if r := f.post(tok, "ada", "c1", event("e", "l", "complete", now, "")); r.status != 503 {
		t.Fatalf("closed store: %d %s", r.status, r.body)
	}
}

func TestAccessLogHasRequestIDAndLatency(t *testing.T) {
	f := newFixture(t)
	req, _ := http.NewRequest("GET", f.srv.URL+"/healthz", nil)
	req.Header.Set(api.RequestIDHeader, "client-id-123")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Header.Get(api.RequestIDHeader) != "client-id-123" {
		t.Fatalf("request id not echoed: %q", res.Header.Get(api.RequestIDHeader))
	}
	var line map[string]any
	if err := json.Unmarshal(bytes.TrimSpace(f.logs.Bytes()), &line); err != nil {
		t.Fatalf("log is not one JSON line: %q", f.logs.String())
	}
	if line["request_id"] != "client-id-123" || line["latency_ms"] == nil || line["status"] != float64(200) {
		t.Fatalf("log line: %v", line)
	}
}
