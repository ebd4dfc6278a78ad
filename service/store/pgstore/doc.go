// Package pgstore keeps progress in PostgreSQL through a pgx v5 pool: one
// row per (user, course) with the merged state as jsonb, so analysts can
// query it with SQL. Writes lock the row (SELECT ... FOR UPDATE) for the
// read-merge-write. The schema comes from versioned migrations embedded in
// the binary and applied at start under an advisory lock, so several
// instances can start at once.
package pgstore
