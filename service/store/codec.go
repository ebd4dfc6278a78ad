package store

import (
	"encoding/json"
	"fmt"

	"github.com/progresskit/progresskit/service/progress"
)

// Record is what every store writes for a course: the whole merged state,
// its summary (so that listing never decodes the state), and the number of
// lessons (so that listing can skip reset courses).
type Record struct {
	Doc     []byte
	Summary []byte
	Lessons int
}

// Encode turns a course into the record stores write.
func Encode(c *progress.Course) (Record, error) {
	doc, err := json.Marshal(c)
	if err != nil {
		return Record{}, fmt.Errorf("encode course: %w", err)
	}
	sum, err := json.Marshal(c.Summary())
	if err != nil {
		return Record{}, fmt.Errorf("encode summary: %w", err)
	}
	return Record{Doc: doc, Summary: sum, Lessons: len(c.Lessons)}, nil
}

// DecodeCourse reads a stored course document. The key fills in the ids so
// that a document written by any store version names its record.
func DecodeCourse(k Key, doc []byte) (*progress.Course, error) {
	c := progress.NewCourse(k.UserID, k.CourseID)
	if err := json.Unmarshal(doc, c); err != nil {
		return nil, fmt.Errorf("decode course %s/%s: %w", k.UserID, k.CourseID, err)
	}
	c.UserID, c.CourseID = k.UserID, k.CourseID
	if c.Lessons == nil {
		c.Lessons = map[string]*progress.Lesson{}
	}
	return c, nil
}

// DecodeSummary reads a stored summary.
func DecodeSummary(b []byte) (progress.Summary, error) {
	var s progress.Summary
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("decode summary: %w", err)
	}
	return s, nil
}

// ScanPageSize is how many records Scan reads per round trip.
const ScanPageSize = 200
