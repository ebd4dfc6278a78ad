// Package progress holds the domain of progresskit: learner events, the
// per-course state they merge into, and the rules that make that merge
// converge whatever order, batching or duplication the events arrive in.
//
// The state is a join-semilattice: every field is either a maximum, a
// minimum or a logical OR over the events seen, with a total order on events
// so that ties break the same way on every replica. That is what lets web and
// mobile clients sync late, retry freely and send batches in any order while
// every store ends at byte-identical JSON.
package progress
