package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
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
	t.Run("MergeVectors", func(t *testing.T) { testVectors(t, h.Open(t)) })
	t.Run("MergeConvergesAnyOrder", func(t *testing.T) { testMergeConverges(t, h.Open(t)) })
	t.Run("ResetIgnoresLateEvents", func(t *testing.T) { testReset(t, h.Open(t)) })
	t.Run("ListPaginates", func(t *testing.T) { testList(t, h.Open(t)) })
	t.Run("ConcurrentWritersOneCourse", func(t *testing.T) { testConcurrentOneCourse(t, h.Open(t)) })
	t.Run("ConcurrentWritersManyCourses", func(t *testing.T) { testConcurrentManyCourses(t, h.Open(t)) })
	t.Run("LessonLimit", func(t *testing.T) { testLessonLimit(t, h.Open(t)) })
	t.Run("MinimalWriteReadsNothingBack", func(t *testing.T) { testMinimal(t, h.Open(t)) })
	t.Run("MergeJoinsCopies", func(t *testing.T) { testMerge(t, h.Open(t)) })
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

// record writes events and returns the merged course the store answers.
func record(t *testing.T, s store.Store, k store.Key, events []progress.Event) *progress.Course {
	t.Helper()
	c, err := s.Record(ctx(t), k, events, store.ReturnCourse)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func reset(t *testing.T, s store.Store, k store.Key, at time.Time) {
	t.Helper()
	if err := s.Reset(ctx(t), k, at); err != nil {
		t.Fatal(err)
	}
}

// same fails unless got is want, byte for byte in the stored form and in
// the API's view.
func same(t *testing.T, what string, got, want *progress.Course) {
	t.Helper()
	if !bytes.Equal(docOf(t, got), docOf(t, want)) {
		t.Fatalf("%s: stored\n%s\nwant\n%s", what, docOf(t, got), docOf(t, want))
	}
	gv, _ := json.Marshal(got.View())
	wv, _ := json.Marshal(want.View())
	if !bytes.Equal(gv, wv) {
		t.Fatalf("%s: view\n%s\nwant\n%s", what, gv, wv)
	}
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
		// The same events, shuffled, with duplicates, in random batches,
		// one event at a time as often as several.
		all := append(slices.Clone(events), events[:r.Intn(len(events))]...)
		r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
		var answered *progress.Course
		for len(all) > 0 {
			n := 1
			if r.Intn(2) == 0 {
				n = 1 + r.Intn(min(len(all), 9))
			}
			answered = record(t, s, k, all[:n])
			all = all[n:]
		}
		got, err := s.Get(ctx(t), k)
		if err != nil {
			t.Fatal(err)
		}
		same(t, fmt.Sprintf("round %d", round), got, want)
		same(t, fmt.Sprintf("round %d, the last write's answer", round), answered, want)
	}
}

// testVectors runs the merge vectors the Go merge and the TypeScript
// client share (service/progress/testdata/merge-vectors.json) through the
// store: each step a write of its batch or a reset, then the view.
func testVectors(t *testing.T, s store.Store) {
	v := loadVectors(t)
	for i, c := range v.Cases {
		k := store.Key{UserID: v.UserID, CourseID: fmt.Sprintf("vector-%d", i)}
		for j, step := range c.Steps {
			if step.Reset != "" {
				at, err := time.Parse(time.RFC3339Nano, step.Reset)
				if err != nil {
					t.Fatal(err)
				}
				reset(t, s, k, at)
				continue
			}
			var batch []progress.Event
			for n, in := range step.Events {
				e, err := in.Validate(fmt.Sprintf("steps[%d].events[%d]", j, n), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
				if err != nil {
					t.Fatalf("%s: %v", c.Name, err)
				}
				batch = append(batch, e)
			}
			record(t, s, k, batch)
		}
		got, err := s.Get(ctx(t), k)
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		got.CourseID = v.CourseID // the vectors name one course
		b, _ := json.Marshal(got.View())
		var gotAny, wantAny any
		json.Unmarshal(b, &gotAny)
		json.Unmarshal(c.Want, &wantAny)
		if !reflect.DeepEqual(gotAny, wantAny) {
			t.Errorf("%s:\nwant %s\n got %s", c.Name, c.Want, b)
		}
	}
}

func testReset(t *testing.T, s store.Store) {
	k := store.Key{UserID: "u1", CourseID: "c1"}
	r := rand.New(rand.NewSource(8))
	record(t, s, k, RandomEvents(r, 20))
	resetAt := base.Add(time.Hour)
	reset(t, s, k, resetAt)
	// Late events, all before the reset, one at a time and in a batch.
	late := RandomEvents(r, 20)
	record(t, s, k, late[:1])
	c := record(t, s, k, late[1:])
	if !c.Empty() || !c.ResetAt.Equal(resetAt) {
		t.Fatalf("late events revived a reset course: %s", docOf(t, c))
	}
	if page, err := s.List(ctx(t), "u1", "", 10); err != nil || len(page) != 0 {
		t.Fatalf("a reset course is listed: %v %v", page, err)
	}
	p := 3.0
	after := progress.Event{ID: "new", LessonID: "l1", Type: progress.TypeProgress, Position: &p, OccurredAt: resetAt.Add(time.Second), Device: "web"}
	record(t, s, k, []progress.Event{after})
	got, err := s.Get(ctx(t), k)
	if err != nil || len(got.Lessons) != 1 || !got.ResetAt.Equal(resetAt) {
		t.Fatalf("after reset: %v %s", err, docOf(t, got))
	}
	// A completion from before the reset was kept in the lesson's
	// register; the earliest completion after the reset must replace it.
	done := progress.Event{ID: "done-late", LessonID: "l1", Type: progress.TypeComplete, OccurredAt: resetAt.Add(-time.Minute), Device: "web"}
	record(t, s, k, []progress.Event{done})
	for _, at := range []time.Duration{3 * time.Second, 2 * time.Second} {
		done := progress.Event{ID: "done", LessonID: "l1", Type: progress.TypeComplete, OccurredAt: resetAt.Add(at), Device: "web"}
		record(t, s, k, []progress.Event{done})
	}
	got, err = s.Get(ctx(t), k)
	if err != nil || !got.Lessons["l1"].Completed || !got.Lessons["l1"].CompletedAt.Equal(resetAt.Add(2*time.Second)) {
		t.Fatalf("completion after the reset: %v %s", err, docOf(t, got))
	}
	if page, err := s.List(ctx(t), "u1", "", 10); err != nil || len(page) != 1 || page[0].CompletedCount != 1 {
		t.Fatalf("listing after the reset: %+v %v", page, err)
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
		record(t, s, store.Key{UserID: "lister", CourseID: id}, ev)
	}
	// Another user's courses and a reset course must not appear.
	p := 1.0
	ev := []progress.Event{{ID: "e", LessonID: "l1", Type: progress.TypeProgress, Position: &p, OccurredAt: base, Device: "web"}}
	for _, k := range []store.Key{{UserID: "lister2", CourseID: "a"}, {UserID: "liste", CourseID: "b"}, {UserID: "lister", CourseID: "course-999"}} {
		record(t, s, k, ev)
	}
	reset(t, s, store.Key{UserID: "lister", CourseID: "course-999"}, base)
	// A course whose id extends another's sorts after it.
	record(t, s, store.Key{UserID: "lister", CourseID: "course-000-b"}, ev)
	want = append(want, "course-000-b")
	slices.Sort(want)
	var got []string
	after := ""
	for pages := 0; ; pages++ {
		page, err := s.List(ctx(t), "lister", after, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, sum := range page {
			if sum.UserID != "lister" || sum.CompletedCount != 0 {
				t.Fatalf("summary %+v", sum)
			}
			if sum.CourseID != "course-000-b" && (sum.LessonCount == nil || *sum.LessonCount != 4) {
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

// testConcurrentOneCourse runs 16 writers on one course at once, one event
// per write as a playing lesson's heartbeats are: new lessons, positions
// of held ones, completions. Every acknowledged event must be in the
// result, and the counts the listing shows must agree with it.
func testConcurrentOneCourse(t *testing.T, s store.Store) {
	const writers, perWriter = 16, 6
	k := store.Key{UserID: "u1", CourseID: "hot"}
	var wg sync.WaitGroup
	errs := make(chan error, writers*perWriter)
	want := progress.NewCourse(k.UserID, k.CourseID)
	var mu sync.Mutex
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				p := float64(i)
				ev := progress.Event{ID: fmt.Sprintf("w%d-%d", w, i), LessonID: fmt.Sprintf("l%d", (w+i)%8), Type: progress.TypeProgress,
					Position: &p, OccurredAt: base.Add(time.Duration(w*perWriter+i) * time.Second), Device: "web", LessonCount: 20}
				if i%3 == 2 {
					ev.Type = progress.TypeComplete
				}
				_, err := s.Record(context.Background(), k, []progress.Event{ev}, store.ReturnNothing)
				mu.Lock()
				want.Apply(ev)
				mu.Unlock()
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
	got, err := s.Get(ctx(t), k)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "16 concurrent writers", got, want)
	page, err := s.List(ctx(t), k.UserID, "", 10)
	if err != nil || len(page) != 1 || !reflect.DeepEqual(page[0], want.Summary()) {
		t.Fatalf("listing %+v (%v), want %+v", page, err, want.Summary())
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
			_, err := s.Record(context.Background(), store.Key{UserID: fmt.Sprintf("user-%d", w%4), CourseID: fmt.Sprintf("c%d", w)}, RandomEvents(r, 30), store.ReturnNothing)
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
		if err != nil {
			t.Fatal(err)
		}
		same(t, fmt.Sprintf("course %d", w), got, want)
	}
}

// testLessonLimit fills a course to the limit; then a batch or a single
// event that would add one more lesson is refused and changes nothing,
// while events for the lessons it holds are still taken.
func testLessonLimit(t *testing.T, s store.Store) {
	k := store.Key{UserID: "u1", CourseID: "big"}
	p := 100.25
	events := make([]progress.Event, progress.MaxLessonsPerCourse+2)
	for i := range events {
		events[i] = progress.Event{ID: fmt.Sprintf("event-%06d", i), LessonID: fmt.Sprintf("lesson-with-a-longish-id-%06d", i), Type: progress.TypeComplete,
			Position: &p, OccurredAt: base.Add(time.Duration(i) * time.Millisecond), Device: "android-tablet", LessonCount: progress.MaxLessonCount}
	}
	if _, err := s.Record(ctx(t), k, events[:progress.MaxLessonsPerCourse], store.ReturnNothing); err != nil {
		t.Fatalf("a course at the lesson limit must fit in every store: %v", err)
	}
	before, err := s.Get(ctx(t), k)
	if err != nil {
		t.Fatal(err)
	}
	for _, extra := range [][]progress.Event{events[progress.MaxLessonsPerCourse:], events[progress.MaxLessonsPerCourse : progress.MaxLessonsPerCourse+1]} {
		if _, err := s.Record(ctx(t), k, extra, store.ReturnNothing); !errors.Is(err, progress.ErrTooManyLessons) {
			t.Fatalf("%d more lessons: %v, want ErrTooManyLessons", len(extra), err)
		}
		after, err := s.Get(ctx(t), k)
		if err != nil {
			t.Fatal(err)
		}
		same(t, "a refused write", after, before)
	}
	// A held lesson still moves, one event at a time.
	q := 7.0
	move := progress.Event{ID: "move", LessonID: events[5].LessonID, Type: progress.TypeProgress, Position: &q, OccurredAt: base.Add(time.Hour), Device: "web"}
	c := record(t, s, k, []progress.Event{move})
	if got := c.Lessons[move.LessonID].Position; got == nil || got.EventID != "move" || c.Last.EventID != "move" {
		t.Fatalf("a held lesson of a full course did not move: %+v", got)
	}
}

// testMinimal: a write that asks for no answer stores everything and
// returns nothing.
func testMinimal(t *testing.T, s store.Store) {
	k := store.Key{UserID: "u1", CourseID: "quiet"}
	r := rand.New(rand.NewSource(10))
	events := RandomEvents(r, 12)
	for _, e := range events {
		c, err := s.Record(ctx(t), k, []progress.Event{e}, store.ReturnNothing)
		if err != nil || c != nil {
			t.Fatalf("minimal write: %v %v", c, err)
		}
	}
	want := progress.NewCourse(k.UserID, k.CourseID)
	want.ApplyBatch(events)
	got, err := s.Get(ctx(t), k)
	if err != nil {
		t.Fatal(err)
	}
	same(t, "minimal writes", got, want)
}

// testMerge: a course merged into an empty store comes back exactly;
// merged into another copy, it is the two copies' join, resets included.
func testMerge(t *testing.T, s store.Store) {
	r := rand.New(rand.NewSource(11))
	for round := range 6 {
		a := progress.NewCourse("u1", fmt.Sprintf("m%d", round))
		a.ApplyBatch(RandomEvents(r, 25))
		b := a.Clone()
		b.Lessons = map[string]*progress.Lesson{}
		b.Last, b.LessonCount = nil, 0
		b.ApplyBatch(RandomEvents(r, 25))
		if round%2 == 1 {
			a.Reset(base.Add(time.Duration(r.Intn(40)) * time.Second))
			a.ApplyBatch(RandomEvents(r, 10))
		}
		k := store.Key{UserID: a.UserID, CourseID: a.CourseID}
		if err := s.Merge(ctx(t), k, a); err != nil {
			t.Fatal(err)
		}
		got, err := s.Get(ctx(t), k)
		if err != nil {
			t.Fatal(err)
		}
		same(t, fmt.Sprintf("round %d: merged into nothing", round), got, a)
		if err := s.Merge(ctx(t), k, b); err != nil {
			t.Fatal(err)
		}
		want := a.Clone()
		want.Join(b)
		got, err = s.Get(ctx(t), k)
		if err != nil {
			t.Fatal(err)
		}
		same(t, fmt.Sprintf("round %d: two copies", round), got, want)
	}
}

func testScan(t *testing.T, s store.Store) {
	r := rand.New(rand.NewSource(9))
	want := map[store.Key][]byte{}
	for i := range 450 { // more than two scan pages
		k := store.Key{UserID: fmt.Sprintf("u%d", i%37), CourseID: fmt.Sprintf("c%d", i)}
		c := record(t, s, k, RandomEvents(r, 3))
		if i%50 == 0 {
			reset(t, s, k, base.Add(time.Hour))
			var err error
			if c, err = s.Get(ctx(t), k); err != nil {
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
			t.Fatalf("scan of %v differs:\n%s\nwant\n%s", k, got[k], doc)
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
	_, err = s.Record(ctx(t), k, RandomEvents(rand.New(rand.NewSource(1)), 1), store.ReturnCourse)
	check("Record one", err)
	_, err = s.Record(ctx(t), k, RandomEvents(rand.New(rand.NewSource(1)), 3), store.ReturnNothing)
	check("Record several", err)
	check("Reset", s.Reset(ctx(t), k, base))
	_, err = s.List(ctx(t), "u1", "", 10)
	check("List", err)
	check("Scan", s.Scan(ctx(t), func(*progress.Course) error { return nil }))
}

type vectorCase struct {
	Name  string `json:"name"`
	Steps []struct {
		Events []progress.EventInput `json:"events,omitempty"`
		Reset  string                `json:"reset,omitempty"`
	} `json:"steps"`
	Want json.RawMessage `json:"want"`
}

type vectorFile struct {
	UserID   string       `json:"userId"`
	CourseID string       `json:"courseId"`
	Cases    []vectorCase `json:"cases"`
}

// loadVectors reads service/progress/testdata/merge-vectors.json, found
// from this file's own place in the module.
func loadVectors(t *testing.T) vectorFile {
	t.Helper()
	_, here, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the storetest package")
	}
	data, err := os.ReadFile(filepath.Join(filepath.Dir(here), "..", "..", "progress", "testdata", "merge-vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v vectorFile
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Cases) < 10 {
		t.Fatalf("only %d vectors", len(v.Cases))
	}
	return v
}
