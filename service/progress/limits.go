package progress

import "time"

// Limits of the API. They bound the work and the item size one request can
// cause; a DynamoDB item holds one whole course, so MaxLessonsPerCourse keeps
// it well inside the 400 KB item limit.
const (
	MaxEventsPerBatch   = 500
	MaxLessonsPerCourse = 2000
	MaxIDLength         = 128
	MaxDeviceLength     = 32
	MaxPositionSeconds  = 604800 // one week of media
	MaxLessonCount      = 10000
	// MaxClockSkew is how far in the future an event may claim to have
	// happened; devices' clocks drift, but not by hours.
	MaxClockSkew = 5 * time.Minute
)

// Event types.
const (
	TypeProgress = "progress"
	TypeComplete = "complete"
)
