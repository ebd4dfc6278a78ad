// Package pgstore keeps progress in PostgreSQL through a pgx v5 pool, as
// merge registers: one row per (user, course) with the course's own
// registers and counts, and one row per lesson. A write is one round trip:
// the function progress_join (migration 4) merges the events under the
// course row's lock, so concurrent writers queue rather than retry, and
// the merged course is read back in the same pipelined batch. The schema
// comes from versioned migrations embedded in the binary and applied at
// start under an advisory lock, so several instances can start at once.
//
// The course document of earlier releases (doc) stays, for a release that
// still runs during a rolling deploy: each document it writes is folded
// into the registers by a trigger.
package pgstore
