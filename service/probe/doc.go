// Package probe is the black-box smoke suite of the progress API: the same
// scenarios, written once, run against any deployment given its base URL
// and a token — the server on each store, the Lambda bootstrap through the
// runtime protocol, the container, or a deployed stack ('progress probe').
//
// Every scenario writes only to a course named probe-<random>, and resets
// it at the end, so probing production leaves no progress behind.
package probe
