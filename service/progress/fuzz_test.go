package progress

import (
	"bytes"
	"fmt"
	"math/rand"
	"testing"
	"time"
)

// eventsFromBytes turns fuzz input into events: six bytes an event, over
// few ids, lessons, times and devices, so that collisions (the cases the
// merge rules decide) are common.
func eventsFromBytes(data []byte) []Event {
	var out []Event
	for len(data) >= 6 && len(out) < 64 {
		b := data[:6]
		data = data[6:]
		e := Event{
			ID:         fmt.Sprintf("e-%d", b[0]%8),
			LessonID:   fmt.Sprintf("l%d", b[1]%5),
			Type:       TypeProgress,
			OccurredAt: base.Add(time.Duration(b[2]%6) * time.Second),
			Device:     []string{"web", "ios", "android"}[b[5]%3],
		}
		if b[3]%3 == 0 {
			e.Type = TypeComplete
		}
		if e.Type == TypeProgress || b[3]%2 == 0 {
			p := float64(b[4]%8) * 10.5
			e.Position = &p
		}
		if b[4]%5 == 0 {
			e.LessonCount = 1 + int(b[5]%12)
		}
		out = append(out, e)
	}
	return out
}

// FuzzMerge: however fuzzed events are ordered, batched and duplicated,
// the merged course is the same.
func FuzzMerge(f *testing.F) {
	f.Add([]byte("\x00\x01\x02\x03\x04\x05\x01\x01\x05\x00\x07\x02"), int64(1))
	f.Add(bytes.Repeat([]byte("\x03\x02\x01\x00\x05\x04"), 5), int64(7))
	f.Fuzz(func(t *testing.T, data []byte, seed int64) {
		events := eventsFromBytes(data)
		if len(events) == 0 {
			return
		}
		if msg := convergesShuffled(t, rand.New(rand.NewSource(seed)), events, 3); msg != "" {
			t.Fatal(msg)
		}
	})
}

// FuzzValidID: an id the API accepts is safe in a path and a key.
func FuzzValidID(f *testing.F) {
	for _, s := range []string{"ada", "../etc/passwd", "a/b", "", "x%2Fy", "ünï", "a b", "ok.id_1-2:3@x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !ValidID(s) {
			return
		}
		if len(s) == 0 || len(s) > 128 || s == "." || s == ".." {
			if s == "." || s == ".." {
				return // a path segment the router never routes as an id
			}
			t.Fatalf("accepted %q of length %d", s, len(s))
		}
		for _, r := range s {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' || r == ':' || r == '@') {
				t.Fatalf("accepted %q with %q", s, r)
			}
		}
	})
}
