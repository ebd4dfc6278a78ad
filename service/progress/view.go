package progress

import (
	"math"
	"time"
)

// Summary is a course without its lessons, as the course list shows it.
type Summary struct {
	UserID          string     `json:"userId"`
	CourseID        string     `json:"courseId"`
	CompletedCount  int        `json:"completedCount"`
	LessonCount     *int       `json:"lessonCount"`
	PercentComplete *float64   `json:"percentComplete"`
	LastLessonID    string     `json:"lastLessonId,omitempty"`
	LastDevice      string     `json:"lastDevice,omitempty"`
	UpdatedAt       *time.Time `json:"updatedAt,omitempty"`
}

// CourseView is the API representation of a course.
type CourseView struct {
	UserID          string                `json:"userId"`
	CourseID        string                `json:"courseId"`
	Lessons         map[string]LessonView `json:"lessons"`
	CompletedCount  int                   `json:"completedCount"`
	LessonCount     *int                  `json:"lessonCount"`
	PercentComplete *float64              `json:"percentComplete"`
	LastLessonID    string                `json:"lastLessonId,omitempty"`
	LastDevice      string                `json:"lastDevice,omitempty"`
	UpdatedAt       *time.Time            `json:"updatedAt,omitempty"`
	// LastEventID and ResetAt, with each lesson's PositionEventID, are
	// what a client needs to apply its own pending events to this view by
	// the same rules as the server (ties on time break on the event id;
	// events at or before a reset are ignored).
	LastEventID string     `json:"lastEventId,omitempty"`
	ResetAt     *time.Time `json:"resetAt,omitempty"`
}

// LessonView is the API representation of a lesson.
type LessonView struct {
	Completed       bool       `json:"completed"`
	CompletedAt     *time.Time `json:"completedAt,omitempty"`
	PositionSeconds *float64   `json:"positionSeconds,omitempty"`
	PositionAt      *time.Time `json:"positionAt,omitempty"`
	PositionEventID string     `json:"positionEventId,omitempty"`
	Device          string     `json:"device,omitempty"`
}

// Summary derives the list entry of the course.
func (c *Course) Summary() Summary {
	completed := 0
	for _, l := range c.Lessons {
		if l.Completed {
			completed++
		}
	}
	return SummaryOf(c.UserID, c.CourseID, completed, c.LessonCount, c.Last)
}

// SummaryOf is the list entry of a course with completed lessons done,
// lessonCount reported (0: none) and last its greatest event (nil: none):
// what a store that counts completions itself lists without the lessons.
func SummaryOf(userID, courseID string, completed, lessonCount int, last *Last) Summary {
	s := Summary{UserID: userID, CourseID: courseID, CompletedCount: completed}
	if lessonCount > 0 {
		n := lessonCount
		s.LessonCount = &n
		// Two decimals keep the figure stable across platforms' float printing;
		// a client that reports more completed lessons than lessonCount is capped.
		pct := math.Min(100, math.Round(float64(completed)*10000/float64(n))/100)
		s.PercentComplete = &pct
	}
	if last != nil {
		s.LastLessonID, s.LastDevice = last.LessonID, last.Device
		at := last.At
		s.UpdatedAt = &at
	}
	return s
}

// View derives the API representation of the course.
func (c *Course) View() CourseView {
	s := c.Summary()
	v := CourseView{
		UserID: s.UserID, CourseID: s.CourseID, Lessons: make(map[string]LessonView, len(c.Lessons)),
		CompletedCount: s.CompletedCount, LessonCount: s.LessonCount, PercentComplete: s.PercentComplete,
		LastLessonID: s.LastLessonID, LastDevice: s.LastDevice, UpdatedAt: s.UpdatedAt,
	}
	if c.Last != nil {
		v.LastEventID = c.Last.EventID
	}
	if !c.ResetAt.IsZero() {
		r := c.ResetAt
		v.ResetAt = &r
	}
	for id, l := range c.Lessons {
		lv := LessonView{Completed: l.Completed}
		if l.Completed {
			at := l.CompletedAt
			lv.CompletedAt = &at
		}
		if p := l.Position; p != nil {
			secs, at := p.Seconds, p.At
			lv.PositionSeconds, lv.PositionAt, lv.PositionEventID, lv.Device = &secs, &at, p.EventID, p.Device
		}
		v.Lessons[id] = lv
	}
	return v
}
