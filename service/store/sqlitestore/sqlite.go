package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/progresskit/progresskit/service/progress"
	"github.com/progresskit/progresskit/service/store"
)

// schemaVersion is kept in PRAGMA user_version; each migration below moves
// the file one version up.
var migrations = []string{
	`CREATE TABLE courses (
		user_id   TEXT    NOT NULL,
		course_id TEXT    NOT NULL,
		doc       BLOB    NOT NULL,
		summary   BLOB    NOT NULL,
		lessons   INTEGER NOT NULL,
		PRIMARY KEY (user_id, course_id)
	) WITHOUT ROWID`,
}

// Store is the SQLite implementation of store.Store.
type Store struct {
	db   *sql.DB
	path string
}

// Open opens (creating if needed) the SQLite file at path and brings its
// schema up to date. Writers take the database lock at BEGIN (immediate
// transactions), so a read-modify-write never interleaves with another.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("sqlite store: empty path")
	}
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("sqlite store: %w", err)
		}
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	// FULL: an acknowledged write survives power loss, not just a crash.
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("sqlite store: %w", err)
	}
	s := &Store{db: db, path: path}
	if err := s.Init(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Init applies the schema migrations the file lacks.
func (s *Store) Init(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite store %s: %w", s.path, mapErr(err))
	}
	defer tx.Rollback()
	var version int
	if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return fmt.Errorf("sqlite store %s: read schema version: %w", s.path, err)
	}
	if version > len(migrations) {
		return fmt.Errorf("sqlite store %s: schema version %d is newer than this binary knows (%d)", s.path, version, len(migrations))
	}
	for i := version; i < len(migrations); i++ {
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			return fmt.Errorf("sqlite store %s: migration %d: %w", s.path, i+1, err)
		}
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, len(migrations))); err != nil {
		return fmt.Errorf("sqlite store %s: %w", s.path, err)
	}
	return tx.Commit()
}

func (s *Store) Get(ctx context.Context, k store.Key) (*progress.Course, error) {
	var doc []byte
	err := s.db.QueryRowContext(ctx, `SELECT doc FROM courses WHERE user_id = ? AND course_id = ?`, k.UserID, k.CourseID).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, mapErr(err)
	}
	return store.DecodeCourse(k, doc)
}

// Record merges events in one immediate transaction: SQLite has one writer
// at a time, so reading, merging and writing the document cannot race.
func (s *Store) Record(ctx context.Context, k store.Key, events []progress.Event, ret store.Return) (*progress.Course, error) {
	c, err := s.update(ctx, k, func(c *progress.Course) error { return c.ApplyBatch(events) })
	if ret == store.ReturnNothing {
		return nil, err
	}
	return c, err
}

func (s *Store) Reset(ctx context.Context, k store.Key, now time.Time) error {
	_, err := s.update(ctx, k, func(c *progress.Course) error { c.Reset(now); return nil })
	return err
}

func (s *Store) Merge(ctx context.Context, k store.Key, other *progress.Course) error {
	_, err := s.update(ctx, k, func(c *progress.Course) error { c.Join(other); return nil })
	return err
}

// update reads the course (empty if there is none), applies fn and writes
// the result, in one transaction; an error from fn changes nothing.
func (s *Store) update(ctx context.Context, k store.Key, fn func(*progress.Course) error) (*progress.Course, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, mapErr(err)
	}
	defer tx.Rollback()
	var doc []byte
	c := progress.NewCourse(k.UserID, k.CourseID)
	err = tx.QueryRowContext(ctx, `SELECT doc FROM courses WHERE user_id = ? AND course_id = ?`, k.UserID, k.CourseID).Scan(&doc)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, mapErr(err)
	default:
		if c, err = store.DecodeCourse(k, doc); err != nil {
			return nil, err
		}
	}
	if err := fn(c); err != nil {
		return nil, err
	}
	rec, err := store.Encode(c)
	if err != nil {
		return nil, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO courses (user_id, course_id, doc, summary, lessons) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (user_id, course_id) DO UPDATE SET doc = excluded.doc, summary = excluded.summary, lessons = excluded.lessons`,
		k.UserID, k.CourseID, rec.Doc, rec.Summary, rec.Lessons)
	if err != nil {
		return nil, mapErr(err)
	}
	if err := tx.Commit(); err != nil {
		return nil, mapErr(err)
	}
	return c, nil
}

func (s *Store) List(ctx context.Context, userID, after string, limit int) ([]progress.Summary, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT summary FROM courses WHERE user_id = ? AND course_id > ? AND lessons > 0
		ORDER BY course_id LIMIT ?`, userID, after, limit)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := []progress.Summary{}
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, mapErr(err)
		}
		sum, err := store.DecodeSummary(b)
		if err != nil {
			return nil, err
		}
		out = append(out, sum)
	}
	return out, mapErr(rows.Err())
}

func (s *Store) Scan(ctx context.Context, fn func(*progress.Course) error) error {
	var last store.Key
	for {
		rows, err := s.db.QueryContext(ctx, `SELECT user_id, course_id, doc FROM courses
			WHERE (user_id, course_id) > (?, ?) ORDER BY user_id, course_id LIMIT ?`, last.UserID, last.CourseID, store.ScanPageSize)
		if err != nil {
			return mapErr(err)
		}
		var page []*progress.Course
		for rows.Next() {
			var k store.Key
			var doc []byte
			if err := rows.Scan(&k.UserID, &k.CourseID, &doc); err != nil {
				rows.Close()
				return mapErr(err)
			}
			c, err := store.DecodeCourse(k, doc)
			if err != nil {
				rows.Close()
				return err
			}
			page = append(page, c)
			last = k
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return mapErr(err)
		}
		// The page is read whole before fn runs so that fn may write to this
		// same store without deadlocking on an open read.
		for _, c := range page {
			if err := fn(c); err != nil {
				return err
			}
		}
		if len(page) < store.ScanPageSize {
			return nil
		}
	}
}

func (s *Store) Ping(ctx context.Context) error {
	return mapErr(s.db.PingContext(ctx))
}

func (s *Store) Close() error { return s.db.Close() }

// mapErr turns lock time-outs and a closed database into ErrUnavailable.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL:
			return fmt.Errorf("%w: %v", store.ErrUnavailable, err)
		}
	}
	if errors.Is(err, sql.ErrConnDone) || strings.Contains(err.Error(), "database is closed") {
		return fmt.Errorf("%w: %v", store.ErrUnavailable, err)
	}
	return err
}
