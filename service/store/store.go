package store

import (
	"context"
	"errors"

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

// UpdateFunc changes a course in place. Returning an error aborts the
// update and leaves the stored course unchanged.
type UpdateFunc func(c *progress.Course) error

// Store keeps one progress.Course per Key.
type Store interface {
	// Get returns the stored course, or ErrNotFound.
	Get(ctx context.Context, k Key) (*progress.Course, error)
	// Update reads the course (an empty one if there is none), applies fn and
	// writes the result atomically: concurrent updates of the same key never
	// lose one another's changes. fn may run more than once.
	Update(ctx context.Context, k Key, fn UpdateFunc) (*progress.Course, error)
	// List returns up to limit non-empty course summaries of a user with
	// CourseID greater than after, ordered by CourseID (byte order).
	List(ctx context.Context, userID, after string, limit int) ([]progress.Summary, error)
	// Scan calls fn with every stored course, including reset ones, streaming
	// in pages so memory does not grow with the data.
	Scan(ctx context.Context, fn func(*progress.Course) error) error
	// Ping checks that the store is reachable.
	Ping(ctx context.Context) error
	Close() error
}

// Initializer is implemented by stores that can create what they need
// (a table, a schema, a file); Init is safe to run again.
type Initializer interface {
	Init(ctx context.Context) error
}
