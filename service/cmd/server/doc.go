// Command progress-server is the progress API as the EC2 instances and the
// container run it: the server's runtime alone (the stores, auth, the API,
// health and the drain on SIGTERM), with exactly the flags and environment
// twins of 'progress serve' but no demo page. The operator's tools (cost,
// probe, migrate, token, store init) are the CLI, service/cmd/progress, and
// are never deployed, so what handles learners' data links none of them.
//
// Build it as progress-server:
//
//	go build -o progress-server ./service/cmd/server
package main
