package cost

import (
	"math"
	"strings"

	"github.com/progresskit/progresskit/service/store/dynamoschema"
)

// What the DynamoDB store's operations cost (service/store/dynamostore):
// DynamoDB charges a write unit per started KB of an item written (an
// update, the larger of the item before and after), twice for an item of
// a transaction, a write unit for a write whose condition fails, and a
// strongly consistent read unit per started 4 KB that a request reads.
// Every head and lesson item is under 1 KB. test/units_test.go checks
// these against what DynamoDB Local reports for the store's own requests.
const (
	// HeartbeatWRU: a position of a lesson the course holds updates the
	// head's last event and count and the lesson's position, at once.
	HeartbeatWRU = 2
	// FullCourseExtraWRU: at the lesson limit a write's first update of the
	// head fails (its condition keeps a 2,001st lesson out) and goes again.
	FullCourseExtraWRU = 1
	// CompletionWRU: the head's update, then a transaction of the head's
	// count and the lesson's completion, two items at two units each.
	CompletionWRU = 5
	// NewLessonWRU: the head's update, the lesson's update that finds no
	// lesson, then a transaction that creates it and counts it in the head.
	NewLessonWRU = 6
	// ViewHeadRRU: a course view's first Query reads the head (and a
	// document of the earlier layout beside it, if any).
	ViewHeadRRU   = 1
	readUnitBytes = 4096
)

// Assumptions of the mix of writes, named so they can be read and
// challenged: a lesson takes HeartbeatsPerLesson positions (a 10-minute
// video with a heartbeat every 15 s), then completes; the positions ask
// for the acknowledgement alone (Prefer: return=minimal, as the TypeScript
// client sends them), the completion for the merged course, which costs a
// view's read. The traffic's average answer size gives lessons per course
// at ViewBytesPerLesson. TypicalLessonItemBytes is a lesson item with
// UUIDs for the learner, lesson and event ids, a 20-character course id
// and an 8-character device, holding both registers.
const (
	HeartbeatsPerLesson = 40.0
	ViewBytesPerLesson  = 150.0
	uuidBytes           = 36
)

var TypicalLessonItemBytes = LessonItemBytes(strings.Repeat("u", uuidBytes), strings.Repeat("c", 20),
	strings.Repeat("l", uuidBytes), strings.Repeat("e", uuidBytes), strings.Repeat("d", 8))

// Units are the request units a store operation costs, on average.
type Units struct {
	WRUPerWrite float64 // heartbeats, first events of lessons and completions, blended
	RRUPerWrite float64 // the merged course in the answers that ask for it
	RRUPerRead  float64 // a course view
}

// LessonsPerCourse is the traffic's average course size.
func LessonsPerCourse(t Traffic) float64 {
	return max(1, math.Round(t.AvgResponseBytes/ViewBytesPerLesson))
}

// ViewRRU is the read units of a view of a course whose lesson items add
// up to lessonBytes: the head's Query, and the lessons' (at least a unit).
func ViewRRU(lessonBytes float64) float64 {
	return ViewHeadRRU + max(1, math.Ceil(lessonBytes/readUnitBytes))
}

// StoreUnits models the DynamoDB store's operations on courses of lessons
// lessons of typical items.
func StoreUnits(lessons float64) Units {
	view := ViewRRU(lessons * TypicalLessonItemBytes)
	perLesson := HeartbeatsPerLesson + 1 // its positions, then its completion
	return Units{
		WRUPerWrite: ((HeartbeatsPerLesson-1)*HeartbeatWRU + NewLessonWRU + CompletionWRU) / perLesson,
		RRUPerWrite: view / perLesson,
		RRUPerRead:  view,
	}
}

// LessonItemBytes is the size DynamoDB counts for a lesson item (the sum
// of its attribute names' and string values' bytes, dynamoschema's
// layout) with both registers: what a view reads per lesson.
func LessonItemBytes(userID, courseID, lessonID, eventID, device string) float64 {
	const timeBytes = len("2006-01-02T15:04:05.000000000Z")
	const secondsBytes = 16 // the position's IEEE bits in hex
	attr := func(name string, value int) int { return len(name) + value }
	return float64(attr(dynamoschema.AttrPartitionKey, len(dynamoschema.PartitionPrefix)+len(userID)) +
		attr(dynamoschema.AttrSortKey, len(dynamoschema.LessonPrefix)+len(courseID)+len(dynamoschema.HeadSuffix)+len(lessonID)) +
		attr(dynamoschema.AttrPosition, timeBytes+1+len(eventID)+1+len(device)+1+secondsBytes) +
		attr(dynamoschema.AttrCompletion, timeBytes))
}

// DynamoUSDPerMillionOps is the on-demand cost of a million store operations
// at writeRatio.
func (m *Model) DynamoUSDPerMillionOps(writeRatio float64, u Units) float64 {
	w := writeRatio
	return w*(u.WRUPerWrite*m.P.DynamoWRUPerMillion.USD+u.RRUPerWrite*m.P.DynamoRRUPerMillion.USD) +
		(1-w)*u.RRUPerRead*m.P.DynamoRRUPerMillion.USD
}
