package registers

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/progresskit/progresskit/service/progress"
)

var base = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// randomEvent draws from small pools, so that ties on time, id and device
// are common, and from ids of different lengths, where a naive join of
// the parts would order "a" + "|" after "a.".
func randomEvent(r *rand.Rand) progress.Event {
	ids := []string{"a", "a.", "a-b", "ab", "b", "A", "a:1", "a@z", "a_", "9"}
	p := float64(r.Intn(4)) / 2
	return progress.Event{
		ID: ids[r.Intn(len(ids))], LessonID: ids[r.Intn(len(ids))], Type: progress.TypeProgress, Position: &p,
		OccurredAt: base.Add(time.Duration(r.Intn(3)) * time.Nanosecond), Device: []string{"web", "web-2", "ios", "w"}[r.Intn(4)],
	}
}

// The keys' byte order is the merge's order: for any two events, the one
// whose key is greater is the one the Go merge keeps.
func TestKeysSortAsTheMergeOrders(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for range 20000 {
		a, b := randomEvent(r), randomEvent(r)
		a.LessonID, b.LessonID = "l", "l"
		c := progress.NewCourse("u", "c")
		c.ApplyBatch([]progress.Event{a, b})
		keep := c.Lessons["l"].Position
		ka := PositionKey(&progress.Position{Seconds: *a.Position, At: a.OccurredAt, EventID: a.ID, Device: a.Device})
		kb := PositionKey(&progress.Position{Seconds: *b.Position, At: b.OccurredAt, EventID: b.ID, Device: b.Device})
		if got := max(ka, kb); got != PositionKey(keep) {
			t.Fatalf("positions %q and %q: the key order keeps %q, the merge %+v", ka, kb, got, keep)
		}
		la := LastKey(&progress.Last{At: a.OccurredAt, EventID: a.ID, LessonID: a.LessonID, Device: a.Device})
		lb := LastKey(&progress.Last{At: b.OccurredAt, EventID: b.ID, LessonID: b.LessonID, Device: b.Device})
		if got := max(la, lb); got != LastKey(c.Last) {
			t.Fatalf("last events %q and %q: the key order keeps %q, the merge %+v", la, lb, got, c.Last)
		}
	}
}

func TestKeysRoundTrip(t *testing.T) {
	p := &progress.Position{Seconds: 604799.875, At: base.Add(123456789), EventID: "e:1@x", Device: "android-tablet"}
	got, err := ParsePositionKey(PositionKey(p))
	if err != nil || *got != *p {
		t.Fatalf("position %+v came back %+v (%v)", p, got, err)
	}
	l := &progress.Last{At: base, EventID: "e.1", LessonID: "l-2", Device: "web"}
	gl, err := ParseLastKey(LastKey(l))
	if err != nil || *gl != *l {
		t.Fatalf("last %+v came back %+v (%v)", l, gl, err)
	}
	for _, bad := range []string{"", "2026-11-22T10:00:00Z a b", "x y z 0000000000000000"} {
		if _, err := ParsePositionKey(bad); err == nil {
			t.Errorf("position key %q decoded", bad)
		}
	}
}

func TestAtOrBeforeSplitsKeysAtTheirTime(t *testing.T) {
	cut := AtOrBefore(base)
	at := PositionKey(&progress.Position{At: base, EventID: "zzz", Device: "zzz", Seconds: 1e6})
	after := PositionKey(&progress.Position{At: base.Add(time.Nanosecond), EventID: "0", Device: "0"})
	if !(at < cut) || !(Time(base) < cut) || !(after >= cut) || !(Time(base.Add(time.Nanosecond)) >= cut) {
		t.Fatalf("cut %q: at %q, after %q", cut, at, after)
	}
}

// A batch resolved against a reset, then stored as registers and
// assembled, is what the Go merge makes of the same events after the same
// reset: the reference that the stores' SQL and conditions implement.
func TestResolveThenAssembleIsTheMerge(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	for round := range 3000 {
		var events []progress.Event
		for range 1 + r.Intn(12) {
			e := randomEvent(r)
			e.OccurredAt = base.Add(time.Duration(r.Intn(8)) * time.Second)
			if r.Intn(3) == 0 {
				e.Type = progress.TypeComplete
				if r.Intn(2) == 0 {
					e.Position = nil
				}
			}
			if r.Intn(3) == 0 {
				e.LessonCount = 1 + r.Intn(5)
			}
			events = append(events, e)
		}
		want := progress.NewCourse("u", "c")
		var reset time.Time
		if r.Intn(2) == 0 {
			reset = base.Add(time.Duration(r.Intn(8)) * time.Second)
			want.ResetAt = reset
		}
		want.ApplyBatch(events)

		res := Group(events).Resolve(reset)
		h := Head{Last: res.Last, LessonCount: res.Count}
		if !reset.IsZero() {
			h.Reset = Time(reset)
		}
		var lessons []Lesson
		for id, l := range res.Lessons {
			lessons = append(lessons, Lesson{ID: id, Position: l.Position, Completion: l.Completion})
		}
		got, err := Assemble("u", "c", h, lessons)
		if err != nil {
			t.Fatal(err)
		}
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(want)
		if string(gb) != string(wb) {
			t.Fatalf("round %d, reset %v, events %s:\nregisters %s\nmerge     %s", round, reset, fmt.Sprint(events), gb, wb)
		}
	}
}
