package progress

import (
	"fmt"
	"regexp"
	"time"
)

var (
	idPattern     = regexp.MustCompile(`^[A-Za-z0-9._\-:@]{1,128}$`)
	devicePattern = regexp.MustCompile(`^[a-z0-9\-]{1,32}$`)
)

// Event is one validated learner action from one device.
type Event struct {
	ID          string
	LessonID    string
	Type        string
	Position    *float64 // seconds into the lesson; nil when the event carries none
	OccurredAt  time.Time
	Device      string
	LessonCount int // 0 when the event does not report it
}

// EventInput is an event as a client sends it, before validation.
type EventInput struct {
	ID              string   `json:"id"`
	LessonID        string   `json:"lessonId"`
	Type            string   `json:"type"`
	PositionSeconds *float64 `json:"positionSeconds,omitempty"`
	OccurredAt      string   `json:"occurredAt"`
	Device          string   `json:"device"`
	LessonCount     *int     `json:"lessonCount,omitempty"`
}

// FieldError names the offending field so a client developer can fix the
// request without guessing.
type FieldError struct {
	Field   string
	Message string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Message }

// ValidID reports whether s is a valid user, course, lesson or event id.
func ValidID(s string) bool { return idPattern.MatchString(s) }

// IDRule describes ValidID for error messages.
const IDRule = "must be 1 to 128 characters of A-Z a-z 0-9 . _ - : @"

// Validate checks in against the API rules, relative to the server time now,
// and returns the domain event. prefix names the event in errors, such as
// "events[3]".
func (in EventInput) Validate(prefix string, now time.Time) (Event, error) {
	field := func(name string) string { return prefix + "." + name }
	if !ValidID(in.ID) {
		return Event{}, &FieldError{field("id"), IDRule}
	}
	if !ValidID(in.LessonID) {
		return Event{}, &FieldError{field("lessonId"), IDRule}
	}
	if in.Type != TypeProgress && in.Type != TypeComplete {
		return Event{}, &FieldError{field("type"), fmt.Sprintf("must be %q or %q", TypeProgress, TypeComplete)}
	}
	if in.Type == TypeProgress && in.PositionSeconds == nil {
		return Event{}, &FieldError{field("positionSeconds"), "is required on a progress event"}
	}
	if p := in.PositionSeconds; p != nil && (*p < 0 || *p > MaxPositionSeconds) {
		return Event{}, &FieldError{field("positionSeconds"), fmt.Sprintf("must be between 0 and %d", MaxPositionSeconds)}
	}
	at, err := time.Parse(time.RFC3339Nano, in.OccurredAt)
	if err != nil {
		return Event{}, &FieldError{field("occurredAt"), "must be an RFC 3339 timestamp such as 2026-11-22T10:00:00Z"}
	}
	if at.After(now.Add(MaxClockSkew)) {
		return Event{}, &FieldError{field("occurredAt"), fmt.Sprintf("is more than %s ahead of server time %s", MaxClockSkew, now.UTC().Format(time.RFC3339))}
	}
	if !devicePattern.MatchString(in.Device) {
		return Event{}, &FieldError{field("device"), "must be 1 to 32 characters of a-z 0-9 -"}
	}
	ev := Event{ID: in.ID, LessonID: in.LessonID, Type: in.Type, Position: in.PositionSeconds, OccurredAt: at.UTC(), Device: in.Device}
	if c := in.LessonCount; c != nil {
		if *c < 1 || *c > MaxLessonCount {
			return Event{}, &FieldError{field("lessonCount"), fmt.Sprintf("must be between 1 and %d", MaxLessonCount)}
		}
		ev.LessonCount = *c
	}
	return ev, nil
}
