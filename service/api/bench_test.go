package api_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkPostEvents is one POST of 10 events through the whole handler
// (auth, validation, merge, SQLite write) without the network.
func BenchmarkPostEvents(b *testing.B) {
	f := newFixture(b)
	tok := token(b, "ada", false)
	var events []string
	for i := range 10 {
		events = append(events, event(fmt.Sprintf("e%d", i), fmt.Sprintf("l%d", i), "progress", now, `,"positionSeconds":10`))
	}
	body := []byte(`{"events":[` + join(events) + `]}`)
	h := f.srv.Config.Handler
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/v1/users/ada/courses/c1/events", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
}

func join(parts []string) string {
	var buf bytes.Buffer
	for i, p := range parts {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(p)
	}
	return buf.String()
}
