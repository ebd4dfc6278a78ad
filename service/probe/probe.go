package probe

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/progresskit/progresskit/service/settings"
)

// Target is what to probe.
type Target struct {
	BaseURL string
	Client  *http.Client // default: http.DefaultClient with a 10 s timeout
	// Token is a valid token of a learner; the probe uses its sub as the
	// user id. AdminToken (optional) is one of the progress-admin group.
	Token      string
	AdminToken string
}

// Result is one scenario's outcome.
type Result struct {
	Name    string
	Err     error
	Elapsed time.Duration
}

type scenario struct {
	name string
	run  func(ctx context.Context, p *prober) error
}

var scenarios = []scenario{
	{"health and readiness", healthz},
	{"record, read, list and reset progress", lifecycle},
	{"late events do not revive a reset", lateEvents},
	{"authentication and isolation", isolation},
	{"invalid input is rejected", invalidInput},
}

// Names lists the scenarios in order.
func Names() []string {
	out := make([]string, len(scenarios))
	for i, s := range scenarios {
		out[i] = s.name
	}
	return out
}

// Run runs every scenario against t and returns their results in order.
func Run(ctx context.Context, t Target) []Result {
	p, err := newProber(t)
	if err != nil {
		return []Result{{Name: "token", Err: err}}
	}
	var out []Result
	for _, s := range scenarios {
		start := time.Now()
		err := s.run(ctx, p)
		out = append(out, Result{Name: s.name, Err: err, Elapsed: time.Since(start)})
	}
	return out
}

type prober struct {
	t      Target
	user   string
	course string
}

func newProber(t Target) (*prober, error) {
	if t.Client == nil {
		t.Client = &http.Client{Timeout: 10 * time.Second}
	}
	t.BaseURL = strings.TrimRight(t.BaseURL, "/")
	sub, err := Subject(t.Token)
	if err != nil {
		return nil, err
	}
	b := make([]byte, 4)
	rand.Read(b)
	return &prober{t: t, user: sub, course: "probe-" + hex.EncodeToString(b)}, nil
}

// Subject reads a JWT's sub without verifying it: the server verifies; the
// probe only needs to know whose progress the token may touch.
func Subject(token string) (string, error) {
	claims, err := UnverifiedClaims(token)
	if err != nil {
		return "", err
	}
	sub, _ := claims["sub"].(string)
	if sub == "" {
		return "", fmt.Errorf("token has no sub claim")
	}
	return sub, nil
}

// UnverifiedClaims reads a JWT's claims without verifying its signature.
func UnverifiedClaims(token string) (map[string]any, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("token is not a JWT")
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, fmt.Errorf("token payload: %w", err)
	}
	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		return nil, fmt.Errorf("token payload: %w", err)
	}
	return claims, nil
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) String() string { return fmt.Sprintf("%d %s", r.status, bytes.TrimSpace(r.body)) }

func (p *prober) do(ctx context.Context, method, path, token, contentType, body string) (response, error) {
	req, err := http.NewRequestWithContext(ctx, method, p.t.BaseURL+path, strings.NewReader(body))
	if err != nil {
		return response{}, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	res, err := p.t.Client.Do(req)
	if err != nil {
		return response{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return response{res.StatusCode, res.Header, b}, err
}

func expect(r response, err error, status int, what string) error {
	if err != nil {
		return err
	}
	if r.status != status {
		return fmt.Errorf("%s: got %s, want %d", what, r, status)
	}
	return nil
}

func (p *prober) coursePath() string { return "/v1/users/" + p.user + "/courses/" + p.course }

func event(id, lesson, typ string, at time.Time, extra string) string {
	return fmt.Sprintf(`{"id":%q,"lessonId":%q,"type":%q,"occurredAt":%q,"device":"probe"%s}`, id, lesson, typ, at.UTC().Format(time.RFC3339Nano), extra)
}

func healthz(ctx context.Context, p *prober) error {
	for _, path := range []string{settings.HealthPath, settings.ReadyPath} {
		r, err := p.do(ctx, "GET", path, "", "", "")
		if err := expect(r, err, 200, path); err != nil {
			return err
		}
	}
	return nil
}

func lifecycle(ctx context.Context, p *prober) error {
	now := time.Now().Add(-time.Minute)
	body := `{"events":[` + event("p1", "l1", "progress", now, `,"positionSeconds":42.5,"lessonCount":4`) + "," +
		event("p2", "l2", "complete", now.Add(time.Second), "") + `]}`
	r, err := p.do(ctx, "POST", p.coursePath()+"/events", p.t.Token, "application/json", body)
	if err := expect(r, err, 200, "POST events"); err != nil {
		return err
	}
	var c struct {
		Lessons map[string]struct {
			Completed       bool
			PositionSeconds *float64
		}
		CompletedCount  int
		PercentComplete *float64
		LastLessonID    string `json:"lastLessonId"`
	}
	if err := json.Unmarshal(r.body, &c); err != nil {
		return fmt.Errorf("POST events: body is not a course: %v", err)
	}
	if c.CompletedCount != 1 || c.PercentComplete == nil || *c.PercentComplete != 25 || c.Lessons["l1"].PositionSeconds == nil ||
		*c.Lessons["l1"].PositionSeconds != 42.5 || c.LastLessonID != "l2" {
		return fmt.Errorf("POST events: merged course is wrong: %s", r.body)
	}
	// Sending the same batch again changes nothing (idempotent retries).
	again, err := p.do(ctx, "POST", p.coursePath()+"/events", p.t.Token, "application/json", body)
	if err := expect(again, err, 200, "POST the same events again"); err != nil {
		return err
	}
	if !bytes.Equal(again.body, r.body) {
		return fmt.Errorf("a retried batch changed the course:\n%s\n%s", r.body, again.body)
	}
	get, err := p.do(ctx, "GET", p.coursePath(), p.t.Token, "", "")
	if err := expect(get, err, 200, "GET course"); err != nil {
		return err
	}
	if !bytes.Equal(get.body, r.body) {
		return fmt.Errorf("GET differs from the POST's answer:\n%s\n%s", r.body, get.body)
	}
	list, err := p.do(ctx, "GET", "/v1/users/"+p.user+"/courses?limit=100", p.t.Token, "", "")
	if err := expect(list, err, 200, "list courses"); err != nil {
		return err
	}
	if !strings.Contains(string(list.body), `"courseId":"`+p.course+`"`) {
		return fmt.Errorf("list does not show the course: %s", list.body)
	}
	del, err := p.do(ctx, "DELETE", p.coursePath(), p.t.Token, "", "")
	if err := expect(del, err, 204, "DELETE course"); err != nil {
		return err
	}
	gone, err := p.do(ctx, "GET", p.coursePath(), p.t.Token, "", "")
	return expect(gone, err, 404, "GET after reset")
}

func lateEvents(ctx context.Context, p *prober) error {
	past := time.Now().Add(-time.Hour)
	body := `{"events":[` + event("late", "l9", "complete", past, "") + `]}`
	r, err := p.do(ctx, "POST", p.coursePath()+"/events", p.t.Token, "application/json", body)
	if err := expect(r, err, 200, "POST a late event"); err != nil {
		return err
	}
	gone, err := p.do(ctx, "GET", p.coursePath(), p.t.Token, "", "")
	return expect(gone, err, 404, "GET after a late event")
}

func isolation(ctx context.Context, p *prober) error {
	r, err := p.do(ctx, "GET", p.coursePath(), "", "", "")
	if err := expect(r, err, 401, "no token"); err != nil {
		return err
	}
	r, err = p.do(ctx, "GET", p.coursePath(), "not.a.token", "", "")
	if err := expect(r, err, 401, "garbage token"); err != nil {
		return err
	}
	other := "/v1/users/" + p.user + "-someone-else/courses"
	r, err = p.do(ctx, "GET", other, p.t.Token, "", "")
	if err := expect(r, err, 403, "another user's courses"); err != nil {
		return err
	}
	if p.t.AdminToken != "" {
		r, err = p.do(ctx, "GET", other, p.t.AdminToken, "", "")
		if err := expect(r, err, 200, "admin reads another user's courses"); err != nil {
			return err
		}
	}
	return nil
}

func invalidInput(ctx context.Context, p *prober) error {
	path := p.coursePath() + "/events"
	cases := []struct {
		name, ctype, body string
		status            int
	}{
		{"not JSON", "application/json", `{"events":[`, 400},
		{"unknown field", "application/json", `{"events":[],"x":1}`, 400},
		{"event from the future", "application/json", `{"events":[` + event("f", "l1", "complete", time.Now().Add(time.Hour), "") + `]}`, 400},
		{"wrong content type", "text/plain", `{"events":[]}`, 415},
	}
	for _, c := range cases {
		r, err := p.do(ctx, "POST", path, p.t.Token, c.ctype, c.body)
		if err := expect(r, err, c.status, c.name); err != nil {
			return err
		}
		var e struct {
			Error struct{ Code, Message string }
		}
		if json.Unmarshal(r.body, &e) != nil || e.Error.Code == "" || e.Error.Message == "" {
			return fmt.Errorf("%s: error body is not {\"error\":{code,message}}: %s", c.name, r.body)
		}
	}
	gone, err := p.do(ctx, "GET", p.coursePath(), p.t.Token, "", "")
	return expect(gone, err, 404, "GET after rejected input")
}
