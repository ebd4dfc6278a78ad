// Command progress is progresskit's CLI, the tool people run: it signs
// development tokens, prepares and migrates stores, estimates what each
// architecture costs, probes a running deployment, and serves the API on a
// developer's machine ('progress serve', with the demo page for 'make
// run'). Deployments run service/cmd/server instead, which holds the
// server's runtime alone.
//
// Data goes to stdout and diagnostics to stderr, so output can be piped.
package main
