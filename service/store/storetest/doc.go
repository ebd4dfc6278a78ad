// Package storetest is the contract every store.Store implementation passes:
// the same scenarios, run against SQLite, PostgreSQL and DynamoDB on real
// servers, so that switching store never changes what the API answers.
package storetest
