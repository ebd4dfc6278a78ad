package transfer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/progresskit/progresskit/service/progress"
	"github.com/progresskit/progresskit/service/store"
)

// DefaultWorkers is how many courses are written at once.
const DefaultWorkers = 8

// Stats counts what a copy or a verification went through.
type Stats struct {
	Users   int64
	Courses int64
	Elapsed time.Duration
}

// Options tune Copy and Verify.
type Options struct {
	Workers int
	// Progress is called after each course with the counts so far; it must
	// be cheap and safe for concurrent use.
	Progress func(Stats)
}

// userCounter counts distinct users in a scan. Every store's scan returns a
// user's courses together (SQL stores order by user; a DynamoDB scan reads a
// partition contiguously), so counting changes of user is exact and needs
// no set that would grow with the data.
type userCounter struct {
	last  string
	count int64
	seen  bool
}

func (u *userCounter) add(user string) {
	if !u.seen || user != u.last {
		u.count++
		u.last, u.seen = user, true
	}
}

// Copy joins every course of from into to.
func Copy(ctx context.Context, from, to store.Store, o Options) (Stats, error) {
	start := time.Now()
	workers := o.Workers
	if workers < 1 {
		workers = DefaultWorkers
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	work := make(chan *progress.Course, workers)
	var wg sync.WaitGroup
	var courses atomic.Int64
	var users userCounter
	var usersN atomic.Int64
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for src := range work {
				k := store.Key{UserID: src.UserID, CourseID: src.CourseID}
				if err := to.Merge(ctx, k, src); err != nil {
					cancel(fmt.Errorf("write %s/%s: %w", k.UserID, k.CourseID, err))
					return
				}
				n := courses.Add(1)
				if o.Progress != nil {
					o.Progress(Stats{Users: usersN.Load(), Courses: n, Elapsed: time.Since(start)})
				}
			}
		}()
	}
	scanErr := from.Scan(ctx, func(c *progress.Course) error {
		users.add(c.UserID)
		usersN.Store(users.count)
		select {
		case work <- c:
			return nil
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	})
	close(work)
	wg.Wait()
	st := Stats{Users: users.count, Courses: courses.Load(), Elapsed: time.Since(start)}
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return st, err
	}
	if scanErr != nil {
		return st, fmt.Errorf("read source: %w", scanErr)
	}
	return st, ctx.Err()
}

// Mismatch is a course that differs between the two stores.
type Mismatch struct {
	Key    store.Key
	Reason string
}

// Verify reads every course of from and checks that to holds the same
// state. It reports at most max mismatches (all counted in the int).
func Verify(ctx context.Context, from, to store.Store, max int) (Stats, []Mismatch, int, error) {
	start := time.Now()
	var users userCounter
	var courses int64
	var found []Mismatch
	bad := 0
	err := from.Scan(ctx, func(src *progress.Course) error {
		users.add(src.UserID)
		courses++
		k := store.Key{UserID: src.UserID, CourseID: src.CourseID}
		reason := ""
		dst, err := to.Get(ctx, k)
		switch {
		case errors.Is(err, store.ErrNotFound):
			reason = "missing in the destination"
		case err != nil:
			return err
		default:
			a, _ := json.Marshal(src)
			b, _ := json.Marshal(dst)
			if !bytes.Equal(a, b) {
				reason = "state differs"
			}
		}
		if reason != "" {
			bad++
			if len(found) < max {
				found = append(found, Mismatch{Key: k, Reason: reason})
			}
		}
		return nil
	})
	return Stats{Users: users.count, Courses: courses, Elapsed: time.Since(start)}, found, bad, err
}
