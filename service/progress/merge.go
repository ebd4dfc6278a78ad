package progress

import (
	"cmp"
	"errors"
	"fmt"
	"time"
)

// ErrTooManyLessons is returned when a batch would take a course past
// MaxLessonsPerCourse distinct lessons.
var ErrTooManyLessons = errors.New("too many lessons")

// Apply merges one event into the course. Events at or before the last reset
// are ignored. Apply is the join of c with the state of that single event, so
// any order of Apply calls over the same events ends in the same state.
func (c *Course) Apply(e Event) {
	if !e.OccurredAt.After(c.ResetAt) {
		return
	}
	if c.Lessons == nil {
		c.Lessons = map[string]*Lesson{}
	}
	l := c.Lessons[e.LessonID]
	if l == nil {
		l = &Lesson{}
		c.Lessons[e.LessonID] = l
	}
	if e.Type == TypeComplete {
		l.join(&Lesson{Completed: true, CompletedAt: e.OccurredAt})
	}
	if e.Position != nil {
		l.join(&Lesson{Position: &Position{Seconds: *e.Position, At: e.OccurredAt, EventID: e.ID, Device: e.Device}})
	}
	c.LessonCount = max(c.LessonCount, e.LessonCount)
	c.Last = greaterLast(c.Last, &Last{At: e.OccurredAt, EventID: e.ID, LessonID: e.LessonID, Device: e.Device})
}

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

// Reset clears the course at now, or at the latest event it holds if that is
// later (clients may be up to MaxClockSkew ahead). Covering every event the
// state holds is what keeps the reset exact: nothing that survives it was
// ever folded into the cleared state.
func (c *Course) Reset(now time.Time) {
	r := now.UTC()
	if c.Last != nil && c.Last.At.After(r) {
		r = c.Last.At
	}
	if c.ResetAt.After(r) {
		r = c.ResetAt
	}
	*c = Course{UserID: c.UserID, CourseID: c.CourseID, Lessons: map[string]*Lesson{}, ResetAt: r}
}

// Join merges another copy of the same course into c, as migration between
// stores does. For states built from events alone it is the exact lattice
// join. Against a reset it drops what the reset covers; a completion whose
// earliest event precedes the reset is dropped even if a later complete
// event was folded into it, since the state no longer tells them apart.
func (c *Course) Join(o *Course) {
	r := c.ResetAt
	if o.ResetAt.After(r) {
		r = o.ResetAt
	}
	c.prune(r)
	other := o.Clone()
	other.prune(r)
	if c.Lessons == nil {
		c.Lessons = map[string]*Lesson{}
	}
	for id, ol := range other.Lessons {
		if l := c.Lessons[id]; l != nil {
			l.join(ol)
		} else {
			c.Lessons[id] = ol
		}
	}
	c.LessonCount = max(c.LessonCount, other.LessonCount)
	c.Last = greaterLast(c.Last, other.Last)
	c.ResetAt = r
}

// prune removes what a reset at r covers.
func (c *Course) prune(r time.Time) {
	if r.IsZero() {
		return
	}
	if c.Last == nil || !c.Last.At.After(r) {
		// Last is the latest event folded in: all of it precedes r.
		*c = Course{UserID: c.UserID, CourseID: c.CourseID, Lessons: map[string]*Lesson{}, ResetAt: c.ResetAt}
		return
	}
	for id, l := range c.Lessons {
		if l.Completed && !l.CompletedAt.After(r) {
			l.Completed, l.CompletedAt = false, time.Time{}
		}
		if l.Position != nil && !l.Position.At.After(r) {
			l.Position = nil
		}
		if !l.Completed && l.Position == nil {
			delete(c.Lessons, id)
		}
	}
}

func (l *Lesson) join(o *Lesson) {
	if o.Completed {
		if !l.Completed || o.CompletedAt.Before(l.CompletedAt) {
			l.CompletedAt = o.CompletedAt
		}
		l.Completed = true
	}
	if o.Position != nil && (l.Position == nil || comparePosition(o.Position, l.Position) > 0) {
		p := *o.Position
		l.Position = &p
	}
}

// comparePosition orders by (time, event id), then by payload so that two
// different events sharing a time and an id still break the tie identically
// on every replica.
func comparePosition(a, b *Position) int {
	return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.EventID, b.EventID),
		cmp.Compare(a.Device, b.Device), cmp.Compare(a.Seconds, b.Seconds))
}

func compareLast(a, b *Last) int {
	return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.EventID, b.EventID),
		cmp.Compare(a.LessonID, b.LessonID), cmp.Compare(a.Device, b.Device))
}

func greaterLast(a, b *Last) *Last {
	switch {
	case b == nil:
		return a
	case a == nil || compareLast(b, a) > 0:
		out := *b
		return &out
	default:
		return a
	}
}
