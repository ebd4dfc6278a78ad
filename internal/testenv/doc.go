// Package testenv gives the tests under test/ and the benchmark (bench/)
// the real servers that test/with-servers.sh started: a fresh PostgreSQL
// database or DynamoDB table per test. A test that needs a server fails, never skips, when the
// server is missing; SHORT=1 (never set in CI) lets a quick local loop skip.
package testenv
