// Command progress is progresskit's one CLI: it serves the progress API,
// signs development tokens, prepares and migrates stores, estimates what
// each architecture costs, and probes a running deployment.
//
// Data goes to stdout and diagnostics to stderr, so output can be piped.
package main
