package api_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/progresskit/progresskit/service/api"
	"github.com/progresskit/progresskit/service/auth"
	"github.com/progresskit/progresskit/service/httpserver"
	"github.com/progresskit/progresskit/service/store"
	"github.com/progresskit/progresskit/service/store/sqlitestore"
)

// Hostile requests, each against a server configured as in production: each
// gets its documented 4xx, and nothing they send changes anyone's progress.
func TestHostileRequests(t *testing.T) {
	srv, _ := productionServer(t, nil)
	ada, grace := token(t, "ada", false), token(t, "grace", false)

	do := func(method, path, tok, body string, hdr map[string]string) (int, string, http.Header) {
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var e struct{ Error struct{ Code string } }
		json.Unmarshal(b, &e)
		return resp.StatusCode, e.Error.Code, resp.Header
	}
	ev := func(id, extra string) string {
		return `{"id":"` + id + `","lessonId":"l1","type":"progress","positionSeconds":5,"occurredAt":"` + now.Format("2006-01-02T15:04:05Z") + `","device":"web"` + extra + `}`
	}
	for _, c := range []string{"a1", "a2", "a3"} {
		if code, _, _ := do("POST", "/v1/users/ada/courses/"+c+"/events", ada, `{"events":[`+ev("e-"+c, "")+`]}`, nil); code != 200 {
			t.Fatalf("seed %s: %d", c, code)
		}
	}
	if code, _, _ := do("POST", "/v1/users/grace/courses/g1/events", grace, `{"events":[`+ev("e-g1", "")+`]}`, nil); code != 200 {
		t.Fatal("seed grace")
	}
	// Several hostile events share the seeds' lesson and time with greater
	// ids: applied, they would move a position and nothing a listing shows.
	learners := []learner{{"ada", ada}, {"grace", grace}}
	h := srv.Config.Handler
	before := readState(t, h, learners, "ada/a1", "grace/g1")
	events := "/v1/users/ada/courses/a1/events"
	cases := []struct {
		name, method, path, tok, body string
		hdr                           map[string]string
		status                        int
		code                          string
	}{
		{"malformed JSON", "POST", events, ada, `{"events":[`, nil, 400, api.CodeInvalidRequest},
		{"deeply nested JSON", "POST", events, ada, `{"events":[` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `]}`, nil, 400, api.CodeInvalidRequest},
		{"huge number", "POST", events, ada, `{"events":[` + strings.Replace(ev("big", ""), `"positionSeconds":5`, `"positionSeconds":1e400`, 1) + `]}`, nil, 400, api.CodeInvalidRequest},
		{"negative position", "POST", events, ada, `{"events":[` + strings.Replace(ev("neg", ""), `"positionSeconds":5`, `"positionSeconds":-1`, 1) + `]}`, nil, 400, api.CodeInvalidRequest},
		{"duplicate keys", "POST", events, ada, `{"events":[` + ev("d1", "") + `],"events":[` + ev("d2", "") + `]}`, nil, 400, api.CodeInvalidRequest},
		{"duplicate key in an event", "POST", events, ada, `{"events":[` + ev("d3", `,"lessonId":"l2"`) + `]}`, nil, 400, api.CodeInvalidRequest},
		{"invalid UTF-8 in an id", "POST", events, ada, "{\"events\":[" + ev("x\xff\xfe", "") + "]}", nil, 400, api.CodeInvalidRequest},
		{"unknown field", "POST", events, ada, `{"events":[` + ev("u1", `,"admin":true`) + `]}`, nil, 400, api.CodeInvalidRequest},
		{"overlong course id", "POST", "/v1/users/ada/courses/" + strings.Repeat("c", 129) + "/events", ada, `{"events":[` + ev("o1", "") + `]}`, nil, 400, api.CodeInvalidRequest},
		{"path traversal in an id", "POST", "/v1/users/ada/courses/..%2F..%2Fgrace%2Fcourses%2Fg1/events", ada, `{"events":[` + ev("p1", "") + `]}`, nil, 400, api.CodeInvalidRequest},
		{"another learner's id", "POST", "/v1/users/grace/courses/g1/events", ada, `{"events":[` + ev("x1", "") + `]}`, nil, 403, api.CodeForbidden},
		{"oversized headers", "GET", "/v1/users/ada/courses", ada, "", map[string]string{"X-Padding": strings.Repeat("p", 100<<10)}, 431, ""},
		{"wrong method", "PUT", events, ada, `{}`, nil, 405, api.CodeMethodNotAllowed},
		{"wrong content type", "POST", events, ada, `{"events":[]}`, map[string]string{"Content-Type": "text/plain"}, 415, api.CodeUnsupportedMedia},
		{"forged cursor", "GET", "/v1/users/ada/courses?cursor=%2E%2E%2Fgrace", ada, "", nil, 400, api.CodeInvalidRequest},
		{"cursor not base64", "GET", "/v1/users/ada/courses?cursor=***", ada, "", nil, 400, api.CodeInvalidRequest},
		{"no token", "GET", "/v1/users/ada/courses", "", "", nil, 401, api.CodeUnauthorized},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, code, _ := do(c.method, c.path, c.tok, c.body, c.hdr)
			if status != c.status || code != c.code {
				t.Errorf("%d %q, want %d %q", status, code, c.status, c.code)
			}
		})
	}
	// A cursor from grace's listing, replayed by ada, pages through ada's
	// courses only.
	replayed := base64.RawURLEncoding.EncodeToString([]byte("a1"))
	req, _ := http.NewRequest("GET", srv.URL+"/v1/users/ada/courses?limit=1&cursor="+replayed, nil)
	req.Header.Set("Authorization", "Bearer "+ada)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var page struct {
		Courses []struct{ UserID, CourseID string }
	}
	json.NewDecoder(resp.Body).Decode(&page)
	resp.Body.Close()
	if len(page.Courses) != 1 || page.Courses[0].UserID != "ada" || page.Courses[0].CourseID != "a2" {
		t.Errorf("replayed cursor listed %+v, want ada's a2", page.Courses)
	}
	if after := readState(t, h, learners, "ada/a1", "grace/g1"); after != before {
		t.Errorf("hostile requests changed progress:\nbefore %s\nafter  %s", before, after)
	}
}

// productionServer serves the API on SQLite with the production server's
// timeouts and limits, on ln (default: a loopback port).
func productionServer(t *testing.T, ln net.Listener) (*httptest.Server, store.Store) {
	t.Helper()
	st, err := sqlitestore.Open(context.Background(), filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h := api.New(st, auth.NewDev(devKey))
	srv := httptest.NewUnstartedServer(h)
	srv.Config = httpserver.New(h)
	if ln != nil {
		srv.Listener.Close()
		srv.Listener = ln
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, st
}
