package progress

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"testing"
)

// BenchmarkApplyBatch merges a full batch (500 events) into a course that
// already holds 200 lessons: the CPU cost of the largest POST.
func BenchmarkApplyBatch(b *testing.B) {
	r := rand.New(rand.NewSource(1))
	events := []Event(eventSet{}.Generate(r, 500).Interface().(eventSet))
	for len(events) < MaxEventsPerBatch {
		events = append(events, eventSet{}.Generate(r, 500).Interface().(eventSet)...)
	}
	events = events[:MaxEventsPerBatch]
	c := NewCourse("u", "c")
	for i := range 200 {
		p := float64(i)
		c.Apply(Event{ID: "seed", LessonID: string(rune('a'+i%26)) + string(rune('a'+i/26)), Type: TypeProgress, Position: &p, OccurredAt: base, Device: "web"})
	}
	b.ReportAllocs()
	for b.Loop() {
		next := c.Clone()
		if err := next.ApplyBatch(events); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEncodeCourse is the JSON encoding every store write and every
// response pays: a typical 200-lesson course, and the largest allowed.
func BenchmarkEncodeCourse(b *testing.B) {
	for _, lessons := range []int{200, MaxLessonsPerCourse} {
		c := NewCourse("u", "c")
		for i := range lessons {
			p := float64(i)
			c.Apply(Event{ID: "e", LessonID: string(rune('a'+i%26)) + string(rune('a'+(i/26)%26)) + string(rune('a'+i/676)), Type: TypeComplete, Position: &p, OccurredAt: base, Device: "web"})
		}
		b.Run(fmt.Sprintf("%d lessons", lessons), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := json.Marshal(c); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
