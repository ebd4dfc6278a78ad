package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/progresskit/progresskit/service/progress"
	"github.com/progresskit/progresskit/service/store"
)

// Harness opens stores for the suite.
type Harness struct {
	// Open returns a new, empty store (its own file, database or table).
	Open func(t *testing.T) store.Store
	// OpenUnreachable returns a store whose server cannot be reached.
	OpenUnreachable func(t *testing.T) store.Store
}

// Run runs the whole contract against h.
func Run(t *testing.T, h Harness) {
	t.Run("GetMissing", func(t *testing.T) { testGetMissing(t, h.Open(t)) })
	t.Run("MergeConvergesAnyOrder", func(t *testing.T) { testMergeConverges(t, h.Open(t)) })
	t.Run("ResetIgnoresLateEvents", func(t *testing.T) { testReset(t, h.Open(t)) })
	t.Run("ListPaginates", func(t *testing.T) { testList(t, h.Open(t)) })
	t.Run("ConcurrentWritersOneCourse", func(t *testing.T) { testConcurrentOneCourse(t, h.Open(t)) })
	t.Run("ConcurrentWritersManyCourses", func(t *testing.T) { testConcurrentManyCourses(t, h.Open(t)) })
	t.Run("LessonLimit", func(t *testing.T) { testLessonLimit(t, h.Open(t)) })
	t.Run("FailedUpdateChangesNothing", func(t *testing.T) { testFailedUpdate(t, h.Open(t)) })
	t.Run("ScanSeesEverything", func(t *testing.T) { testScan(t, h.Open(t)) })
	t.Run("StoreDown", func(t *testing.T) { testDown(t, h.OpenUnreachable(t)) })
}

var base = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return c
}

// RandomEvents draws n events from small pools so ties and repeats are common.
func RandomEvents(r *rand.Rand, n int) []progress.Event {
	out := make([]progress.Event, n)
	for i := range out {
		e := progress.Event{
			ID:         fmt.Sprintf("e-%d", r.Intn(30)),
			LessonID:   fmt.Sprintf("l%d", r.Intn(12)),
			Type:       progress.TypeProgress,
			OccurredAt: base.Add(time.Duration(r.Intn(40)) * time.Second),
			Device:     []string{"web", "ios", "android"}[r.Intn(3)],
		}
		if r.Intn(3) == 0 {
			e.Type = progress.TypeComplete
		}
		if e.Type == progress.TypeProgress || r.Intn(2) == 0 {
			p := float64(r.Intn(600)) / 4
			e.Position = &p
		}
		if r.Intn(5) == 0 {
			e.LessonCount = 1 + r.Intn(20)
		}
		out[i] = e
	}
	return out
}

func docOf(t *testing.T, c *progress.Course) []byte {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func apply(events []progress.Event) store.UpdateFunc {
	return func(c *progress.Course) error { return c.ApplyBatch(events) }
}

func testGetMissing(t *testing.T, s store.Store) {
	if _, err := s.Get(ctx(t), store.Key{UserID: "nobody", CourseID: "c"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Get of a missing course: %v, want ErrNotFound", err)
	}
	if err := s.Ping(ctx(t)); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

func testMergeConverges(t *testing.T, s store.Store) {
	r := rand.New(rand.NewSource(7))
	for round := range 10 {
		events := RandomEvents(r, 40)
		want := progress.NewCourse("u1", fmt.Sprintf("c%d", round))
		want.ApplyBatch(events)
		k := store.Key{UserID: "u1", CourseID: want.CourseID}
		// The same events, shuffled, with duplicates, in random batches.
		all := append(slices.Clone(events), events[:r.Intn(len(events))]...)
		r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
		for len(all) > 0 {
			n := 1 + r.Intn(min(len(all), 9))
			if _, err := s.Update(ctx(t), k, apply(all[:n])); err != nil {
				t.Fatal(err)
			}
			all = all[n:]
		}
		got, err := s.Get(ctx(t), k)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(docOf(t, got), docOf(t, want)) {
			t.Fatalf("round %d: stored\n%s\nwant\n%s", round, docOf(t, got), docOf(t, want))
		}
		gv, _ := json.Marshal(got.View())
		wv, _ := json.Marshal(want.View())
		if !bytes.Equal(gv, wv) {
			t.Fatalf("round %d: views differ", round)
		}
	}
}

func testReset(t *testing.T, s store.Store) {
	k := store.Key{UserID: "u1", CourseID: "c1"}
	r := rand.New(rand.NewSource(8))
	if _, err := s.Update(ctx(t), k, apply(RandomEvents(r, 20))); err != nil {
		t.Fatal(err)
	}
	resetAt := base.Add(time.Hour)
	if _, err := s.Update(ctx(t), k, func(c *progress.Course) error { c.Reset(resetAt); return nil }); err != nil {
		t.Fatal(err)
	}
	late := RandomEvents(r, 20) // all before the reset
	c, err := s.Update(ctx(t), k, apply(late))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Empty() || !c.ResetAt.Equal(resetAt) {
		t.Fatalf("late events revived a reset course: %s", docOf(t, c))
	}
	if page, err := s.List(ctx(t), "u1", "", 10); err != nil || len(page) != 0 {
		t.Fatalf("a reset course is listed: %v %v", page, err)
	}
	p := 3.0
	after := progress.Event{ID: "new", LessonID: "l1", Type: progress.TypeProgress, Position: &p, OccurredAt: resetAt.Add(time.Second), Device: "web"}
	if _, err := s.Update(ctx(t), k, apply([]progress.Event{after})); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx(t), k)
	if err != nil || len(got.Lessons) != 1 || !got.ResetAt.Equal(resetAt) {
		t.Fatalf("after reset: %v %s", err, docOf(t, got))
	}
}

func testList(t *testing.T, s store.Store) {
	const n = 230
	var want []string
	for i := range n {
		id := fmt.Sprintf("course-%03d", (i*7)%n) // written out of order
		want = append(want, id)
		p := 1.0
		ev := []progress.Event{{ID: "e", LessonID: "l1", Type: progress.TypeProgress, Position: &p, OccurredAt: base, Device: "web", LessonCount: 4}}
		if _, err := s.Update(ctx(t), store.Key{UserID: "lister", CourseID: id}, apply(ev)); err != nil {
			t.Fatal(err)
		}
	}
	// Another user's courses and a reset course must not appear.
	p := 1.0
	ev := []progress.Event{{ID: "e", LessonID: "l1", Type: progress.TypeProgress, Position: &p, OccurredAt: base, Device: "web"}}
	for _, k := range []store.Key{{UserID: "lister2", CourseID: "a"}, {UserID: "liste", CourseID: "b"}, {UserID: "lister", CourseID: "course-999"}} {
		if _, err := s.Update(ctx(t), k, apply(ev)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Update(ctx(t), store.Key{UserID: "lister", CourseID: "course-999"}, func(c *progress.Course) error { c.Reset(base); return nil }); err != nil {
		t.Fatal(err)
	}
	slices.Sort(want)
	var got []string
	after := ""
	for pages := 0; ; pages++ {
		page, err := s.List(ctx(t), "lister", after, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, sum := range page {
			if sum.UserID != "lister" || sum.CompletedCount != 0 || sum.LessonCount == nil || *sum.LessonCount != 4 {
				t.Fatalf("summary %+v", sum)
			}
			got = append(got, sum.CourseID)
		}
		if len(page) < 100 {
			break
		}
		after = page[len(page)-1].CourseID
		if pages > 5 {
			t.Fatal("pagination does not end")
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("listed %d courses, want %d in order; first %v", len(got), len(want), got[:min(5, len(got))])
	}
}

// testConcurrentOneCourse runs 16 writers on one course at once: every
// acknowledged event must be in the result.
func testConcurrentOneCourse(t *testing.T, s store.Store) {
	const writers, perWriter = 16, 5
	k := store.Key{UserID: "u1", CourseID: "hot"}
	var wg sync.WaitGroup
	errs := make(chan error, writers*perWriter)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				p := float64(i)
				ev := progress.Event{ID: fmt.Sprintf("w%d-%d", w, i), LessonID: fmt.Sprintf("w%d-l%d", w, i), Type: progress.TypeComplete,
					Position: &p, OccurredAt: base.Add(time.Duration(w*perWriter+i) * time.Second), Device: "web"}
				_, err := s.Update(context.Background(), k, apply([]progress.Event{ev}))
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent write: %v", err)
		}
	}
	c, err := s.Get(ctx(t), k)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Summary().CompletedCount; got != writers*perWriter {
		t.Fatalf("%d of %d concurrent events survived", got, writers*perWriter)
	}
	if c.Last.EventID != fmt.Sprintf("w%d-%d", writers-1, perWriter-1) {
		t.Fatalf("last event %s", c.Last.EventID)
	}
}

func testConcurrentManyCourses(t *testing.T, s store.Store) {
	const writers = 16
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewSource(int64(w)))
			_, err := s.Update(context.Background(), store.Key{UserID: fmt.Sprintf("user-%d", w%4), CourseID: fmt.Sprintf("c%d", w)}, apply(RandomEvents(r, 30)))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for w := range writers {
		r := rand.New(rand.NewSource(int64(w)))
		want := progress.NewCourse(fmt.Sprintf("user-%d", w%4), fmt.Sprintf("c%d", w))
		want.ApplyBatch(RandomEvents(r, 30))
		got, err := s.Get(ctx(t), store.Key{UserID: want.UserID, CourseID: want.CourseID})
		if err != nil || !bytes.Equal(docOf(t, got), docOf(t, want)) {
			t.Fatalf("course %d: %v", w, err)
		}
	}
}

func testLessonLimit(t *testing.T, s store.Store) {
	k := store.Key{UserID: "u1", CourseID: "big"}
	p := 100.25
	events := make([]progress.Event, progress.MaxLessonsPerCourse+1)
	for i := range events {
		events[i] = progress.Event{ID: fmt.Sprintf("event-%06d", i), LessonID: fmt.Sprintf("lesson-with-a-longish-id-%06d", i), Type: progress.TypeComplete,
			Position: &p, OccurredAt: base.Add(time.Duration(i) * time.Millisecond), Device: "android-tablet", LessonCount: progress.MaxLessonCount}
	}
	if _, err := s.Update(ctx(t), k, apply(events[:progress.MaxLessonsPerCourse])); err != nil {
		t.Fatalf("a course at the lesson limit must fit in every store: %v", err)
	}
	before, err := s.Get(ctx(t), k)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Update(ctx(t), k, apply(events[progress.MaxLessonsPerCourse:])); !errors.Is(err, progress.ErrTooManyLessons) {
		t.Fatalf("lesson %d: %v, want ErrTooManyLessons", progress.MaxLessonsPerCourse+1, err)
	}
	after, err := s.Get(ctx(t), k)
	if err != nil || !bytes.Equal(docOf(t, before), docOf(t, after)) {
		t.Fatalf("rejected update changed the course: %v", err)
	}
}

func testFailedUpdate(t *testing.T, s store.Store) {
	k := store.Key{UserID: "u1", CourseID: "never"}
	boom := errors.New("boom")
	if _, err := s.Update(ctx(t), k, func(c *progress.Course) error { c.Reset(base); return boom }); !errors.Is(err, boom) {
		t.Fatalf("Update returned %v, want the function's error", err)
	}
	if _, err := s.Get(ctx(t), k); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a failed first update left a record: %v", err)
	}
}

func testScan(t *testing.T, s store.Store) {
	r := rand.New(rand.NewSource(9))
	want := map[store.Key][]byte{}
	for i := range 450 { // more than two scan pages
		k := store.Key{UserID: fmt.Sprintf("u%d", i%37), CourseID: fmt.Sprintf("c%d", i)}
		c, err := s.Update(ctx(t), k, apply(RandomEvents(r, 3)))
		if err != nil {
			t.Fatal(err)
		}
		if i%50 == 0 {
			if c, err = s.Update(ctx(t), k, func(c *progress.Course) error { c.Reset(base.Add(time.Hour)); return nil }); err != nil {
				t.Fatal(err)
			}
		}
		want[k] = docOf(t, c)
	}
	got := map[store.Key][]byte{}
	err := s.Scan(ctx(t), func(c *progress.Course) error {
		got[store.Key{UserID: c.UserID, CourseID: c.CourseID}] = docOf(t, c)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("scan saw %d courses, want %d", len(got), len(want))
	}
	for k, doc := range want {
		if !bytes.Equal(got[k], doc) {
			t.Fatalf("scan of %v differs", k)
		}
	}
}

func testDown(t *testing.T, s store.Store) {
	k := store.Key{UserID: "u1", CourseID: "c1"}
	check := func(op string, err error) {
		t.Helper()
		if !errors.Is(err, store.ErrUnavailable) {
			t.Errorf("%s on an unreachable store: %v, want ErrUnavailable", op, err)
		}
	}
	check("Ping", s.Ping(ctx(t)))
	_, err := s.Get(ctx(t), k)
	check("Get", err)
	_, err = s.Update(ctx(t), k, apply(RandomEvents(rand.New(rand.NewSource(1)), 1)))
	check("Update", err)
	_, err = s.List(ctx(t), "u1", "", 10)
	check("List", err)
	check("Scan", s.Scan(ctx(t), func(*progress.Course) error { return nil }))
}
