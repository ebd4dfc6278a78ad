// Package sqlitestore keeps progress in an embedded SQLite file through the
// pure-Go modernc.org/sqlite driver: the zero-set-up local default.
package sqlitestore
