// Package dynamoschema names the progress table's key schema and
// attributes: the one place both the DynamoDB store and the CDK table
// construct read them from, so the deployed table always fits the code.
// It imports nothing, so the CDK app does not link the AWS SDK.
package dynamoschema

// Key schema of the progress table. The CDK table construct creates
// exactly this schema from these constants.
const (
	AttrPartitionKey = "pk"
	AttrSortKey      = "sk"

	// KeyType of both key attributes: DynamoDB's string type.
	KeyAttributeType = "S"
)

// Items. Every item of a learner is in the partition PartitionPrefix +
// userId, so a learner's data is one item collection.
//
//	sk COURSE#<courseId>#          the course's own registers (the head)
//	sk LESSON#<courseId>#<lesson>  one lesson's registers
//	sk COURSE#<courseId>           the whole course as one document, as
//	                               releases before the registers wrote it
//
// Ids never hold '#', which sorts before every character they may hold:
// a course's document and head are neighbours, and all of them sort by
// course id, so a listing is one Query over COURSE# that never reads a
// lesson; a course's lessons are one Query over LESSON#<courseId>#.
const (
	PartitionPrefix = "USER#"
	SortPrefix      = "COURSE#"
	HeadSuffix      = "#"
	LessonPrefix    = "LESSON#"
)

// PrefixEnd is the upper bound of the keys that start with prefix, which
// ends in '#': the prefix with that '#' raised to the next character.
func PrefixEnd(prefix string) string { return prefix[:len(prefix)-1] + "$" }

// Head attributes: the course's registers (package service/store/registers
// encodes their values so that a condition expression compares them).
const (
	AttrReset     = "r"  // S: the latest reset's time
	AttrLast      = "l"  // S: the greatest event's key
	AttrCounts    = "ns" // NS: lesson counts reported since the reset
	AttrLive      = "nl" // N: lessons held since the reset
	AttrCompleted = "cc" // N: lessons completed since the reset
)

// Lesson attributes.
const (
	AttrPosition   = "p" // S: the greatest position's key
	AttrCompletion = "c" // S: the earliest completion's time
)

// Attributes of a course document of the earlier layout.
const (
	AttrDoc     = "doc" // B: the merged course, gzip-compressed JSON
	AttrSummary = "sum" // S: the course summary JSON
	AttrLessons = "n"   // N: lessons held; 0 after a reset
	AttrVersion = "v"   // N: incremented by every write
)
