package test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/progresskit/progresskit/internal/testenv"
	"github.com/progresskit/progresskit/service/cost"
	"github.com/progresskit/progresskit/service/progress"
	"github.com/progresskit/progresskit/service/store"
	"github.com/progresskit/progresskit/service/store/dynamostore"
)

// The cost model's units are what DynamoDB Local reports for the store's
// own requests (ReturnConsumedCapacity), plus a write unit for each write
// whose condition failed, which DynamoDB charges but reports no figure
// for: for one-event writes to a 10-lesson and a 2,000-lesson course, and
// for a view of each.
func TestDynamoDBUnitsAreTheModels(t *testing.T) {
	ctx := context.Background()
	o, err := dynamostore.ParseURL(testenv.DynamoTable(t))
	if err != nil {
		t.Fatal(err)
	}
	meter := &dynamostore.Meter{}
	o.Meter = meter
	s, err := dynamostore.Open(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	const user, device = "learner-0001", "web"
	// measure runs op and returns the read and write units it cost.
	measure := func(op func() error) (read, write float64) {
		t.Helper()
		r0, w0 := meter.Units()
		f0 := meter.FailedWrites()
		if err := op(); err != nil {
			t.Fatal(err)
		}
		r1, w1 := meter.Units()
		return r1 - r0, w1 - w0 + float64(meter.FailedWrites()-f0)
	}
	for _, lessons := range []int{10, progress.MaxLessonsPerCourse} {
		t.Run(fmt.Sprint(lessons, " lessons"), func(t *testing.T) {
			k := store.Key{UserID: user, CourseID: fmt.Sprintf("course-of-%d", lessons)}
			var seed []progress.Event
			var lessonBytes float64
			for i := range lessons {
				p := float64(i)
				e := progress.Event{ID: fmt.Sprintf("seed-%06d", i), LessonID: fmt.Sprintf("lesson-%06d", i), Type: progress.TypeComplete,
					Position: &p, OccurredAt: at.Add(time.Duration(i) * time.Millisecond), Device: device, LessonCount: lessons}
				if i == 4 {
					e.Type = progress.TypeProgress // completed below
				}
				seed = append(seed, e)
				lessonBytes += cost.LessonItemBytes(user, k.CourseID, e.LessonID, e.ID, device)
			}
			if _, err := s.Record(ctx, k, seed, store.ReturnNothing); err != nil {
				t.Fatal(err)
			}
			check := func(what string, read, write, wantRead, wantWrite float64) {
				t.Helper()
				if read != wantRead || write != wantWrite {
					t.Errorf("%s: %v read and %v write units, the model says %v and %v", what, read, write, wantRead, wantWrite)
				}
			}
			one := func(e progress.Event) func() error {
				return func() error { _, err := s.Record(ctx, k, []progress.Event{e}, store.ReturnNothing); return err }
			}
			p := 90.5
			beat := progress.Event{ID: "beat", LessonID: "lesson-000003", Type: progress.TypeProgress, Position: &p, OccurredAt: at.Add(time.Hour), Device: device, LessonCount: lessons}
			r, w := measure(one(beat))
			extra := 0.0
			if lessons == progress.MaxLessonsPerCourse {
				extra = cost.FullCourseExtraWRU
			}
			check("a heartbeat", r, w, 0, cost.HeartbeatWRU+extra)
			if w > 3 {
				t.Errorf("a heartbeat costs %v write units, over 3", w)
			}
			done := progress.Event{ID: "done", LessonID: "lesson-000004", Type: progress.TypeComplete, OccurredAt: at.Add(90 * time.Minute), Device: device}
			r, w = measure(one(done))
			check("a completion", r, w, 0, cost.CompletionWRU+extra)
			if lessons < progress.MaxLessonsPerCourse {
				first := progress.Event{ID: "first", LessonID: "a-new-lesson", Type: progress.TypeProgress, Position: &p, OccurredAt: at.Add(2 * time.Hour), Device: device}
				r, w = measure(one(first))
				check("a lesson's first event", r, w, 0, cost.NewLessonWRU)
				lessonBytes += cost.LessonItemBytes(user, k.CourseID, first.LessonID, first.ID, device) - float64(len("c")+len("2006-01-02T15:04:05.000000000Z"))
			}
			r, w = measure(func() error { _, err := s.Get(ctx, k); return err })
			check("a view", r, w, cost.ViewRRU(lessonBytes), 0)
		})
	}
}
