package progress

import (
	"errors"
	"fmt"
)

// ErrTooManyLessons is returned when a batch would take a course past
// MaxLessonsPerCourse distinct lessons.
var ErrTooManyLessons = errors.New("too many lessons")

// ApplyBatch merges events into c, all or nothing: when the result would hold
// more than MaxLessonsPerCourse lessons, c is left unchanged.
func (c *Course) ApplyBatch(events []Event) error {
	next := c.Clone()
	for _, e := range events {
		next.Apply(e)
	}
	if len(next.Lessons) > MaxLessonsPerCourse {
		return fmt.Errorf("%w: the course would hold %d distinct lessons, more than the limit of %d", ErrTooManyLessons, len(next.Lessons), MaxLessonsPerCourse)
	}
	*c = *next
	return nil
}
