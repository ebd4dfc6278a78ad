package progress

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"reflect"
	"testing"
	"testing/quick"
	"time"
)

var base = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// eventSet is a random set of events drawn from small pools, so that ties on
// time, shared ids and repeated lessons are common rather than rare.
type eventSet []Event

func (eventSet) Generate(r *rand.Rand, size int) reflect.Value {
	n := 1 + r.Intn(max(size, 2))
	out := make(eventSet, n)
	for i := range out {
		e := Event{
			ID:         fmt.Sprintf("e-%d", r.Intn(8)),
			LessonID:   fmt.Sprintf("l%d", r.Intn(5)),
			Type:       TypeProgress,
			OccurredAt: base.Add(time.Duration(r.Intn(6)) * time.Second),
			Device:     []string{"web", "ios", "android"}[r.Intn(3)],
		}
		if r.Intn(3) == 0 {
			e.Type = TypeComplete
		}
		if e.Type == TypeProgress || r.Intn(2) == 0 {
			p := float64(r.Intn(4)) * 10.5
			e.Position = &p
		}
		if r.Intn(4) == 0 {
			e.LessonCount = 1 + r.Intn(12)
		}
		out[i] = e
	}
	return reflect.ValueOf(out)
}

func viewJSON(t testing.TB, c *Course) []byte {
	t.Helper()
	b, err := json.Marshal(c.View())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func docJSON(t testing.TB, c *Course) []byte {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func applyAll(events []Event) *Course {
	c := NewCourse("u1", "c1")
	for _, e := range events {
		c.Apply(e)
	}
	return c
}

// shuffledBatches returns the events in a random order, with random
// duplicates, split into random batches.
func shuffledBatches(r *rand.Rand, events []Event) [][]Event {
	all := append([]Event(nil), events...)
	for range r.Intn(len(events) + 1) {
		all = append(all, events[r.Intn(len(events))])
	}
	r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	var batches [][]Event
	for len(all) > 0 {
		n := 1 + r.Intn(len(all))
		batches = append(batches, all[:n])
		all = all[n:]
	}
	return batches
}

// convergesShuffled applies events in order, then rounds times shuffled,
// duplicated and batched, and describes the first difference ("" if none).
func convergesShuffled(t testing.TB, r *rand.Rand, events []Event, rounds int) string {
	want := applyAll(events)
	for range rounds {
		got := NewCourse("u1", "c1")
		for _, batch := range shuffledBatches(r, events) {
			if err := got.ApplyBatch(batch); err != nil {
				t.Fatal(err)
			}
		}
		if !bytes.Equal(viewJSON(t, got), viewJSON(t, want)) || !bytes.Equal(docJSON(t, got), docJSON(t, want)) {
			return fmt.Sprintf("order, batching or duplication changed the result:\nwant %s\n got %s", docJSON(t, want), docJSON(t, got))
		}
	}
	return ""
}

func quickConfig(seed int64) *quick.Config {
	return &quick.Config{MaxCount: 500, Rand: rand.New(rand.NewSource(seed))}
}

func TestMergeConvergesWhateverOrderBatchesAndDuplicates(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	prop := func(events eventSet) bool {
		if msg := convergesShuffled(t, r, events, 5); msg != "" {
			t.Log(msg)
			return false
		}
		return true
	}
	if err := quick.Check(prop, quickConfig(2)); err != nil {
		t.Fatal(err)
	}
}

func TestJoinIsALattice(t *testing.T) {
	eq := func(a, b *Course) bool { return bytes.Equal(docJSON(t, a), docJSON(t, b)) }
	join := func(a, b *Course) *Course { out := a.Clone(); out.Join(b); return out }
	prop := func(x, y, z eventSet) bool {
		a, b, c := applyAll(x), applyAll(y), applyAll(z)
		commutative := eq(join(a, b), join(b, a))
		associative := eq(join(join(a, b), c), join(a, join(b, c)))
		idempotent := eq(join(a, a), a)
		// Joining the states of two event sets equals merging their union.
		union := eq(join(a, b), applyAll(append(append([]Event(nil), x...), y...)))
		return commutative && associative && idempotent && union
	}
	if err := quick.Check(prop, quickConfig(3)); err != nil {
		t.Fatal(err)
	}
}

func TestMergeRules(t *testing.T) {
	pos := func(f float64) *float64 { return &f }
	at := func(s int) time.Time { return base.Add(time.Duration(s) * time.Second) }
	c := NewCourse("u1", "c1")
	err := c.ApplyBatch([]Event{
		{ID: "a", LessonID: "l1", Type: TypeComplete, OccurredAt: at(30), Device: "web", LessonCount: 4},
		{ID: "b", LessonID: "l1", Type: TypeComplete, OccurredAt: at(10), Device: "ios"},
		{ID: "c", LessonID: "l1", Type: TypeProgress, Position: pos(50), OccurredAt: at(20), Device: "ios", LessonCount: 8},
		{ID: "d", LessonID: "l1", Type: TypeProgress, Position: pos(40), OccurredAt: at(20), Device: "web"},
		{ID: "e", LessonID: "l2", Type: TypeProgress, Position: pos(5), OccurredAt: at(25), Device: "android"},
	})
	if err != nil {
		t.Fatal(err)
	}
	v := c.View()
	l1 := v.Lessons["l1"]
	if !l1.Completed || !l1.CompletedAt.Equal(at(10)) {
		t.Errorf("completedAt = %v, want the earliest complete event %v", l1.CompletedAt, at(10))
	}
	if *l1.PositionSeconds != 40 || l1.Device != "web" {
		t.Errorf("position = %v on %s, want 40 on web (same time, greater id d)", *l1.PositionSeconds, l1.Device)
	}
	if *v.LessonCount != 8 || *v.PercentComplete != 12.5 || v.CompletedCount != 1 {
		t.Errorf("counts = %d/%d %.2f%%, want 1/8 12.5%%", v.CompletedCount, *v.LessonCount, *v.PercentComplete)
	}
	if v.LastLessonID != "l1" || v.LastDevice != "web" || !v.UpdatedAt.Equal(at(30)) {
		t.Errorf("last = %s %s %v, want l1 web %v", v.LastLessonID, v.LastDevice, v.UpdatedAt, at(30))
	}
	// A progress event after completion moves the position but never un-completes.
	c.Apply(Event{ID: "f", LessonID: "l1", Type: TypeProgress, Position: pos(1), OccurredAt: at(40), Device: "ios"})
	if l := c.View().Lessons["l1"]; !l.Completed || *l.PositionSeconds != 1 {
		t.Errorf("after a later progress event: %+v", l)
	}
}

func TestResetIgnoresLateEventsAndConverges(t *testing.T) {
	pos := func(f float64) *float64 { return &f }
	prop := func(before, after eventSet) bool {
		c := applyAll(before)
		resetAt := base.Add(3 * time.Second)
		c.Reset(resetAt)
		if !c.Empty() || c.ResetAt.Before(resetAt) {
			return false
		}
		// Late events at or before the reset change nothing; later ones count,
		// in any order, the same as merging them into an empty course that
		// ignores everything up to the reset.
		c.Apply(Event{ID: "late", LessonID: "l9", Type: TypeProgress, Position: pos(1), OccurredAt: c.ResetAt, Device: "web"})
		if !c.Empty() {
			return false
		}
		shifted := make([]Event, len(after))
		for i, e := range after {
			e.OccurredAt = c.ResetAt.Add(e.OccurredAt.Sub(base) + time.Nanosecond)
			shifted[i] = e
		}
		want := applyAll(shifted)
		want.ResetAt = c.ResetAt
		for i := len(shifted) - 1; i >= 0; i-- {
			c.Apply(shifted[i])
		}
		return bytes.Equal(docJSON(t, c), docJSON(t, want))
	}
	if err := quick.Check(prop, quickConfig(4)); err != nil {
		t.Fatal(err)
	}
}

func TestResetCoversFutureDatedEvents(t *testing.T) {
	pos := 5.0
	c := NewCourse("u1", "c1")
	future := base.Add(4 * time.Minute)
	c.Apply(Event{ID: "a", LessonID: "l1", Type: TypeProgress, Position: &pos, OccurredAt: future, Device: "web"})
	c.Reset(base)
	if !c.ResetAt.Equal(future) {
		t.Fatalf("resetAt = %v, want the latest event held %v", c.ResetAt, future)
	}
	// Joining an older copy (as an interrupted migration might) does not revive it.
	old := NewCourse("u1", "c1")
	old.Apply(Event{ID: "a", LessonID: "l1", Type: TypeProgress, Position: &pos, OccurredAt: future, Device: "web"})
	c.Join(old)
	if !c.Empty() {
		t.Fatalf("join revived reset progress: %s", docJSON(t, c))
	}
}

func TestApplyBatchIsAllOrNothing(t *testing.T) {
	c := NewCourse("u1", "c1")
	pos := 1.0
	var events []Event
	for i := range MaxLessonsPerCourse + 1 {
		events = append(events, Event{ID: "e", LessonID: fmt.Sprintf("l%d", i), Type: TypeProgress, Position: &pos, OccurredAt: base, Device: "web"})
	}
	if err := c.ApplyBatch(events[:MaxLessonsPerCourse]); err != nil {
		t.Fatalf("exactly the limit: %v", err)
	}
	before := docJSON(t, c)
	if err := c.ApplyBatch(events[MaxLessonsPerCourse:]); err == nil {
		t.Fatal("one lesson over the limit was accepted")
	}
	if !bytes.Equal(before, docJSON(t, c)) {
		t.Fatal("a rejected batch changed the course")
	}
}

func TestValidate(t *testing.T) {
	now := base
	f := func(v float64) *float64 { return &v }
	i := func(v int) *int { return &v }
	ok := EventInput{ID: "e-1", LessonID: "l1", Type: "progress", PositionSeconds: f(120.5), OccurredAt: "2026-11-22T11:00:00+01:00", Device: "web", LessonCount: i(12)}
	ev, err := ok.Validate("events[0]", now)
	if err != nil {
		t.Fatal(err)
	}
	if !ev.OccurredAt.Equal(base) || ev.OccurredAt.Location() != time.UTC {
		t.Errorf("occurredAt not normalised to UTC: %v", ev.OccurredAt)
	}
	bad := map[string]func(*EventInput){
		"events[0].id":              func(e *EventInput) { e.ID = "" },
		"events[0].lessonId":        func(e *EventInput) { e.LessonID = "has space" },
		"events[0].type":            func(e *EventInput) { e.Type = "started" },
		"events[0].positionSeconds": func(e *EventInput) { e.PositionSeconds = f(604800.5) },
		"events[0].occurredAt":      func(e *EventInput) { e.OccurredAt = now.Add(5*time.Minute + time.Second).Format(time.RFC3339) },
		"events[0].device":          func(e *EventInput) { e.Device = "Web" },
		"events[0].lessonCount":     func(e *EventInput) { e.LessonCount = i(0) },
	}
	for field, mutate := range bad {
		in := ok
		mutate(&in)
		_, err := in.Validate("events[0]", now)
		fe, isField := err.(*FieldError)
		if !isField || fe.Field != field {
			t.Errorf("%s: got %v", field, err)
		}
	}
	progressWithout := ok
	progressWithout.PositionSeconds = nil
	if _, err := progressWithout.Validate("e", now); err == nil {
		t.Error("progress event without positionSeconds accepted")
	}
	complete := ok
	complete.Type, complete.PositionSeconds = "complete", nil
	if _, err := complete.Validate("e", now); err != nil {
		t.Errorf("complete without position: %v", err)
	}
	atSkew := ok
	atSkew.OccurredAt = now.Add(MaxClockSkew).Format(time.RFC3339)
	if _, err := atSkew.Validate("e", now); err != nil {
		t.Errorf("exactly at the skew limit: %v", err)
	}
}
