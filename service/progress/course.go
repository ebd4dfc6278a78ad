package progress

import "time"

// Course is the merged progress of one user in one course: the state every
// store keeps, one record per (user, course). Its JSON form (short keys) is
// the stored document; the API shows CourseView instead.
type Course struct {
	UserID      string             `json:"u"`
	CourseID    string             `json:"k"`
	Lessons     map[string]*Lesson `json:"l,omitempty"`
	LessonCount int                `json:"n,omitempty"`
	Last        *Last              `json:"e,omitempty"`
	// ResetAt is the latest reset: events that occurred at or before it are
	// ignored, so a device that syncs late cannot bring reset progress back.
	ResetAt time.Time `json:"r,omitzero"`
}

// Lesson is the merged state of one lesson. It is never empty: it exists
// because a complete event (Completed) or a progress event (Position) did.
type Lesson struct {
	Completed   bool      `json:"c,omitempty"`
	CompletedAt time.Time `json:"ca,omitzero"`
	Position    *Position `json:"p,omitempty"`
}

// Position is the resume point: from the greatest event that carried one.
type Position struct {
	Seconds float64   `json:"s"`
	At      time.Time `json:"t"`
	EventID string    `json:"i"`
	Device  string    `json:"d"`
}

// Last is the greatest event seen in the course.
type Last struct {
	At       time.Time `json:"t"`
	EventID  string    `json:"i"`
	LessonID string    `json:"l"`
	Device   string    `json:"d"`
}

// NewCourse returns the empty state of a course.
func NewCourse(userID, courseID string) *Course {
	return &Course{UserID: userID, CourseID: courseID, Lessons: map[string]*Lesson{}}
}

// Empty reports whether the course holds no progress (never written, or reset).
func (c *Course) Empty() bool { return len(c.Lessons) == 0 }

// Clone returns a deep copy.
func (c *Course) Clone() *Course {
	out := *c
	out.Lessons = make(map[string]*Lesson, len(c.Lessons))
	for id, l := range c.Lessons {
		cl := *l
		if l.Position != nil {
			p := *l.Position
			cl.Position = &p
		}
		out.Lessons[id] = &cl
	}
	if c.Last != nil {
		last := *c.Last
		out.Last = &last
	}
	return &out
}
