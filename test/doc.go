// Package test holds the tests that need real servers or real binaries: the
// store contract on SQLite, PostgreSQL and DynamoDB (DynamoDB Local), migration
// between stores, and the progress binary run as an operator runs it.
// Run them with 'make test', which starts the servers (with-servers.sh).
package test
