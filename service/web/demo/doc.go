// Package demo serves the course-player demo page: one learner's progress
// on two devices, through the TypeScript client's offline queue. It is
// for 'progress serve --demo' with dev auth on a loopback address only,
// so no deployed variant serves it.
//
// The page's script, static/demo.js, is built from src/demo.ts and the
// client (service/web/client) by 'npm run build:demo' there, and is
// committed so that 'go build' needs no Node; 'make test' rebuilds it and
// fails if it differs.
package demo
