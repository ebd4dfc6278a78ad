package main

import (
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/progresskit/progresskit/service/cost"
	"github.com/progresskit/progresskit/service/progress"
	"github.com/progresskit/progresskit/service/store"
	"github.com/progresskit/progresskit/service/store/dynamostore"
)

// unitLessons is the course size of the units rows: the bench's own
// courses' size (eventJSON's lessons).
const unitLessons = 20

// dynamoUnitRows measures the DynamoDB store's units, as DynamoDB Local
// reports them for the store's own requests, per heartbeat write and per
// view of a course of unitLessons lessons, beside the cost model's
// figures (test/units_test.go holds the store to them exactly).
func dynamoUnitRows(endpoint string, ops int) ([]Row, error) {
	ctx, cancel := waitCtx(2 * time.Minute)
	defer cancel()
	meter := &dynamostore.Meter{}
	s, err := dynamostore.Open(ctx, dynamostore.Options{Table: "bench-units-" + strconv.FormatInt(time.Now().UnixNano(), 36),
		Endpoint: endpoint, Region: "us-east-1", Meter: meter})
	if err != nil {
		return nil, err
	}
	if err := s.Init(ctx); err != nil {
		return nil, fmt.Errorf("units table at %s: %w", url.PathEscape(endpoint), err)
	}
	const device = "web"
	at := time.Now().UTC().Add(-time.Hour)
	var lessonBytes float64
	var seed []progress.Event
	user := userID(0)
	for i := range unitLessons {
		p := float64(i)
		e := progress.Event{ID: fmt.Sprintf("seed-%d", i), LessonID: fmt.Sprintf("l%d", i), Type: progress.TypeComplete, Position: &p,
			OccurredAt: at, Device: device, LessonCount: unitLessons}
		seed = append(seed, e)
		lessonBytes += cost.LessonItemBytes(user, courseID, e.LessonID, e.ID, device)
	}
	k := store.Key{UserID: user, CourseID: courseID}
	if _, err := s.Record(ctx, k, seed, store.ReturnNothing); err != nil {
		return nil, err
	}
	perOp := func(op func(i int) error) (read, write float64, err error) {
		r0, w0 := meter.Units()
		f0 := meter.FailedWrites()
		for i := range ops {
			if err := op(i); err != nil {
				return 0, 0, err
			}
		}
		r1, w1 := meter.Units()
		return (r1 - r0) / float64(ops), (w1 - w0 + float64(meter.FailedWrites()-f0)) / float64(ops), nil
	}
	_, wru, err := perOp(func(i int) error {
		// Same-width ids, so each lesson item keeps its size.
		p := float64(i)
		e := progress.Event{ID: fmt.Sprintf("seed-%d", i%unitLessons), LessonID: fmt.Sprintf("l%d", i%unitLessons), Type: progress.TypeProgress,
			Position: &p, OccurredAt: at.Add(time.Duration(i+1) * time.Millisecond), Device: device}
		_, err := s.Record(ctx, k, []progress.Event{e}, store.ReturnNothing)
		return err
	})
	if err != nil {
		return nil, err
	}
	rru, _, err := perOp(func(int) error { _, err := s.Get(ctx, k); return err })
	if err != nil {
		return nil, err
	}
	model := fmt.Sprintf("the model's figure (service/cost/units.go); %d-lesson course, %d operations", unitLessons, ops)
	return []Row{
		atMost(Row{Group: "dynamodb", Name: "write units per heartbeat", Ours: wru, Ceiling: cost.HeartbeatWRU, Unit: "WRU", Note: model}, 1),
		atMost(Row{Group: "dynamodb", Name: "read units per course view", Ours: rru, Ceiling: cost.ViewRRU(lessonBytes), Unit: "RRU", Note: model}, 1),
	}, nil
}
