// Package registers encodes a course's merge registers so that a database
// can join them without reading the rest of the course: each register's
// value is a string whose byte order is the merge order, so "keep the
// greater" is one comparison in SQL or in a DynamoDB condition expression.
//
// The registers (service/progress holds the rules they implement):
//   - per lesson, the position: the greatest (time, event id, device,
//     seconds) of the events that carried one;
//   - per lesson, the completion: the earliest complete event after the
//     last reset;
//   - per course, the last event: the greatest (time, event id, lesson,
//     device);
//   - per course, the lesson count: the greatest reported after the reset;
//   - per course, the reset time: the greatest.
//
// A register may hold a value from before the reset; readers drop those
// (Assemble), so a writer never needs to know the reset time for a
// register that keeps the greater value.
package registers

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/progresskit/progresskit/service/progress"
)

// sep joins a key's parts. It sorts below every character an id or a
// device may hold (the lowest is '-'), so "a" + sep sorts before "a."
// as "a" sorts before "a.": joined keys compare as their parts do.
const sep = " "

// timeLayout is fixed width, UTC, nanoseconds: strings in this layout
// sort as the times do.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// Time encodes t for comparison as a string.
func Time(t time.Time) string { return t.UTC().Format(timeLayout) }

// ParseTime reads Time's encoding.
func ParseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("register time %q: %w", s, err)
	}
	return t, nil
}

// AtOrBefore is the smallest key greater than every key whose time is at
// or before t: a key k has its time at or before t exactly when k <
// AtOrBefore(t). ('!' follows sep.)
func AtOrBefore(t time.Time) string { return Time(t) + "!" }

// PositionKey encodes a position: time, event id, device, then the
// seconds' IEEE bits, whose order is the order of non-negative floats.
func PositionKey(p *progress.Position) string {
	return strings.Join([]string{Time(p.At), p.EventID, p.Device, fmt.Sprintf("%016x", math.Float64bits(p.Seconds))}, sep)
}

// ParsePositionKey reads PositionKey's encoding.
func ParsePositionKey(s string) (*progress.Position, error) {
	parts := strings.Split(s, sep)
	if len(parts) != 4 {
		return nil, fmt.Errorf("position register %q has %d parts, want 4", s, len(parts))
	}
	at, err := ParseTime(parts[0])
	if err != nil {
		return nil, err
	}
	bits, err := strconv.ParseUint(parts[3], 16, 64)
	if err != nil {
		return nil, fmt.Errorf("position register %q: %w", s, err)
	}
	return &progress.Position{At: at, EventID: parts[1], Device: parts[2], Seconds: math.Float64frombits(bits)}, nil
}

// LastKey encodes the last event: time, event id, lesson id, device.
func LastKey(l *progress.Last) string {
	return strings.Join([]string{Time(l.At), l.EventID, l.LessonID, l.Device}, sep)
}

// ParseLastKey reads LastKey's encoding.
func ParseLastKey(s string) (*progress.Last, error) {
	parts := strings.Split(s, sep)
	if len(parts) != 4 {
		return nil, fmt.Errorf("last-event register %q has %d parts, want 4", s, len(parts))
	}
	at, err := ParseTime(parts[0])
	if err != nil {
		return nil, err
	}
	return &progress.Last{At: at, EventID: parts[1], LessonID: parts[2], Device: parts[3]}, nil
}

// Lesson is one lesson's registers as stored: "" where a register holds
// nothing.
type Lesson struct {
	ID         string
	Position   string // PositionKey
	Completion string // Time
}

// Head is a course's own registers as stored.
type Head struct {
	Reset       string // Time, "" when never reset
	Last        string // LastKey
	LessonCount int    // the greatest reported after Reset
}

// ErrCorrupt marks a stored register that does not decode.
var ErrCorrupt = errors.New("corrupt register")

// Assemble builds the course that registers hold: what a reset covers is
// dropped, so a register written by a late event, or left by a reset that
// raced a write, is never shown.
func Assemble(userID, courseID string, h Head, lessons []Lesson) (*progress.Course, error) {
	c := progress.NewCourse(userID, courseID)
	if h.Reset != "" {
		r, err := ParseTime(h.Reset)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		c.ResetAt = r
	}
	cut := ""
	if h.Reset != "" {
		cut = AtOrBefore(c.ResetAt)
	}
	after := func(key string) bool { return key != "" && key >= cut }
	if after(h.Last) {
		last, err := ParseLastKey(h.Last)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
		c.Last = last
		// A count reported before the reset is gone with it; with no event
		// after the reset there is no count either.
		c.LessonCount = h.LessonCount
	}
	for _, l := range lessons {
		var lesson progress.Lesson
		if after(l.Completion) {
			at, err := ParseTime(l.Completion)
			if err != nil {
				return nil, fmt.Errorf("%w: lesson %s: %v", ErrCorrupt, l.ID, err)
			}
			lesson.Completed, lesson.CompletedAt = true, at
		}
		if after(l.Position) {
			p, err := ParsePositionKey(l.Position)
			if err != nil {
				return nil, fmt.Errorf("%w: lesson %s: %v", ErrCorrupt, l.ID, err)
			}
			lesson.Position = p
		}
		if lesson.Completed || lesson.Position != nil {
			c.Lessons[l.ID] = &lesson
		}
	}
	return c, nil
}
