package registers

import (
	"slices"
	"time"

	"github.com/progresskit/progresskit/service/progress"
)

// Batch is what a write brings to each register, before the store knows
// the course's reset time: enough for the store to keep exactly what a
// reset at any time would leave (Resolve).
type Batch struct {
	Lessons map[string]*LessonBatch
	// Last is the greatest LastKey of the batch, "" for none.
	Last string
	// Counts maps each reported lesson count to the latest time it was
	// reported: a count counts if that time is after the reset.
	Counts map[int]time.Time
	// Reset is a reset time the batch carries (a course's, when a whole
	// course is merged); zero for none.
	Reset time.Time
}

// LessonBatch is what a batch brings to one lesson.
type LessonBatch struct {
	// Position is the greatest PositionKey, "" when no event carried one.
	Position string
	// Completions are the complete events' times, ascending: the earliest
	// after the reset is the register's candidate.
	Completions []time.Time
	// Latest is the lesson's latest event: the lesson exists after a reset
	// only if this is after it.
	Latest time.Time
}

func (b *Batch) lesson(id string) *LessonBatch {
	if b.Lessons == nil {
		b.Lessons = map[string]*LessonBatch{}
	}
	l := b.Lessons[id]
	if l == nil {
		l = &LessonBatch{}
		b.Lessons[id] = l
	}
	return l
}

func (b *Batch) count(n int, at time.Time) {
	if n <= 0 {
		return
	}
	if b.Counts == nil {
		b.Counts = map[int]time.Time{}
	}
	if prev, ok := b.Counts[n]; !ok || at.After(prev) {
		b.Counts[n] = at
	}
}

// Group gathers events by register.
func Group(events []progress.Event) Batch {
	var b Batch
	for _, e := range events {
		l := b.lesson(e.LessonID)
		if e.OccurredAt.After(l.Latest) {
			l.Latest = e.OccurredAt
		}
		if e.Type == progress.TypeComplete {
			l.Completions = append(l.Completions, e.OccurredAt)
		}
		if e.Position != nil {
			l.Position = max(l.Position, PositionKey(&progress.Position{Seconds: *e.Position, At: e.OccurredAt, EventID: e.ID, Device: e.Device}))
		}
		b.Last = max(b.Last, LastKey(&progress.Last{At: e.OccurredAt, EventID: e.ID, LessonID: e.LessonID, Device: e.Device}))
		b.count(e.LessonCount, e.OccurredAt)
	}
	for _, l := range b.Lessons {
		slices.SortFunc(l.Completions, time.Time.Compare)
	}
	return b
}

// FromCourse is a whole course as a batch, for merging one copy of a
// course into another (migration, and courses in an earlier format). It
// joins as progress.Course.Join does: its lesson count survives a reset
// only as long as its last event does.
func FromCourse(c *progress.Course) Batch {
	b := Batch{Reset: c.ResetAt}
	for id, l := range c.Lessons {
		lb := b.lesson(id)
		if l.Completed {
			lb.Completions = []time.Time{l.CompletedAt}
			lb.Latest = l.CompletedAt
		}
		if l.Position != nil {
			lb.Position = PositionKey(l.Position)
			if l.Position.At.After(lb.Latest) {
				lb.Latest = l.Position.At
			}
		}
	}
	if c.Last != nil {
		b.Last = LastKey(c.Last)
		b.count(c.LessonCount, c.Last.At)
	}
	return b
}

// Resolved is a batch as a course reset at a known time keeps it.
type Resolved struct {
	// Lessons holds the lessons with an event after the reset.
	Lessons map[string]ResolvedLesson
	Last    string // "" when no event is after the reset
	Count   int    // 0 when no count was reported after the reset
}

// ResolvedLesson is one lesson's candidates; "" where the batch has none.
type ResolvedLesson struct {
	Position   string
	Completion string
}

// Empty reports whether nothing of the batch survives the reset.
func (r Resolved) Empty() bool { return r.Last == "" && len(r.Lessons) == 0 }

// Resolve keeps what a reset at reset (zero: none) leaves of b.
func (b Batch) Resolve(reset time.Time) Resolved {
	cut := ""
	if !reset.IsZero() {
		cut = AtOrBefore(reset)
	}
	out := Resolved{Lessons: map[string]ResolvedLesson{}}
	if b.Last >= cut {
		out.Last = b.Last
	}
	for n, at := range b.Counts {
		if at.After(reset) {
			out.Count = max(out.Count, n)
		}
	}
	for id, l := range b.Lessons {
		if !l.Latest.After(reset) {
			continue
		}
		var rl ResolvedLesson
		if l.Position >= cut {
			rl.Position = l.Position
		}
		for _, at := range l.Completions {
			if at.After(reset) {
				rl.Completion = Time(at)
				break
			}
		}
		out.Lessons[id] = rl
	}
	return out
}
