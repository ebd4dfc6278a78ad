// Package dynamostore keeps progress in one DynamoDB table as merge
// registers, each updated on its own by a conditional write, so a write
// costs the units of the items it touches, whatever the course's size: a
// one-event write never reads first, and a batch of several reads the
// items it touches once before writing (write.go and batch.go say how).
//
// Single-table design (package dynamoschema is the one source of these
// names; the CDK table construct reads them from there):
//
//	pk  (S, partition key)  "USER#" + userId
//	sk  (S, sort key)       one of:
//	  "COURSE#" + courseId + "#"               the course's head:
//	      r (S) reset time, l (S) last event, ns (NS) lesson counts,
//	      nl (N) lessons held, cc (N) lessons completed
//	  "LESSON#" + courseId + "#" + lessonId    a lesson:
//	      p (S) position, c (S) completion time
//	  "COURSE#" + courseId                     a course document as the
//	      releases before the registers wrote it (doc, sum, n, v): read and
//	      joined until 'progress store init' folds it in
//
// A course's view is two Queries sent at once (its head with its document,
// and its lessons); a user's course list is one Query over COURSE#, which
// reads no lesson. Migration reads the table with a paginated Scan. There
// is no secondary index and no TTL. The tests run it against Amazon's
// DynamoDB Local.
package dynamostore
