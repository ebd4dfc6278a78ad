package store

import (
	"context"
	"errors"
	"time"

	"github.com/progresskit/progresskit/service/progress"
)

var (
	// ErrNotFound means the course has no record.
	ErrNotFound = errors.New("not found")
	// ErrUnavailable means the backing database cannot be reached or is
	// overloaded; the API answers 503 with Retry-After.
	ErrUnavailable = errors.New("store unavailable")
	// ErrTooLarge means the course no longer fits in one record.
	ErrTooLarge = errors.New("course too large to store")
)

// Key names one user's record of one course.
type Key struct {
	UserID   string
	CourseID string
}

// Store keeps one progress.Course per Key.
type Store interface {
	// Get returns the stored course, or ErrNotFound.
	Get(ctx context.Context, k Key) (*progress.Course, error)
	// Record merges events into the course, as progress.Course.ApplyBatch
	// does: all of them or, when the course would hold more than
	// progress.MaxLessonsPerCourse lessons, none (ErrTooManyLessons).
	// Concurrent writers never lose one another's events. With
	// ReturnCourse it returns the merged course; otherwise nil, and the
	// store need not read the course at all.
	Record(ctx context.Context, k Key, events []progress.Event, ret Return) (*progress.Course, error)
	// Reset clears the course as progress.Course.Reset(now) does.
	Reset(ctx context.Context, k Key, now time.Time) error
	// Merge joins c, another copy of the same course, into it, as
	// progress.Course.Join does (migration between stores).
	Merge(ctx context.Context, k Key, c *progress.Course) error
	// List returns up to limit non-empty course summaries of a user with
	// CourseID greater than after, ordered by CourseID (byte order).
	List(ctx context.Context, userID, after string, limit int) ([]progress.Summary, error)
	// Scan calls fn with every stored course, including reset ones, streaming
	// in pages so memory does not grow with the data. A user's courses come
	// one after another.
	Scan(ctx context.Context, fn func(*progress.Course) error) error
	// Ping checks that the store is reachable.
	Ping(ctx context.Context) error
	Close() error
}

// Return says whether a write answers with the merged course, which may
// cost the store a read.
type Return bool

const (
	// ReturnCourse answers a write with the merged course.
	ReturnCourse Return = true
	// ReturnNothing acknowledges a write alone (Prefer: return=minimal).
	ReturnNothing Return = false
)

// Initializer is implemented by stores that can create what they need
// (a table, a schema, a file); Init is safe to run again.
type Initializer interface {
	Init(ctx context.Context) error
}
