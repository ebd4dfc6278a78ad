// Package transfer copies every user's progress from one store to another,
// as an operator does when an environment switches architecture (DynamoDB
// to PostgreSQL or back). It streams: memory does not grow with the data.
//
// Each course is joined into the destination (progress.Course.Join) rather
// than overwritten, so a copy that was interrupted can simply be run again,
// and writes that reach the destination during the copy are kept.
package transfer
