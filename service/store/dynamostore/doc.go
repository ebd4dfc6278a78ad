// Package dynamostore keeps progress in one DynamoDB table, one item per
// (user, course), written with optimistic conditional puts.
//
// Single-table design (package dynamoschema is the one source of these names; the CDK
// table construct reads them from there):
//
//	pk  (S, partition key)  "USER#"   + userId
//	sk  (S, sort key)       "COURSE#" + courseId
//	doc (B)  the merged course state, gzip-compressed JSON
//	sum (S)  the course summary JSON, so listing never reads doc
//	n   (N)  number of lessons; 0 after a reset, which listing filters out
//	v   (N)  version, incremented by every write; the condition of the next
//
// A user's courses are one Query on pk in sort-key order, which is courseId
// byte order; migration reads the table with a paginated Scan. There is no
// secondary index and no TTL. The tests run it against Amazon's DynamoDB
// Local.
package dynamostore
