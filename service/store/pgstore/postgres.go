package pgstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/progresskit/progresskit/service/progress"
	"github.com/progresskit/progresskit/service/store"
)

// DefaultMaxConns sizes the pool when neither the URL (pool_max_conns) nor
// the flag does: a db.t4g.micro allows about 80 connections in all.
const DefaultMaxConns = 10

// Store is the PostgreSQL implementation of store.Store.
type Store struct {
	pool  *pgxpool.Pool
	retry store.RetryPolicy
}

// Options tune Open.
type Options struct {
	MaxConns int  // pool size; 0 keeps the URL's pool_max_conns or DefaultMaxConns
	Migrate  bool // apply schema migrations before returning
	// Retry bounds the retries of a write that another writer beat to the
	// row (default: store.DefaultRetry).
	Retry store.RetryPolicy
}

// Open connects to the database at url (postgres://...) and, when asked,
// brings its schema up to date.
func Open(ctx context.Context, url string, o Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres store URL: %w", err)
	}
	if o.MaxConns > 0 {
		cfg.MaxConns = int32(o.MaxConns)
	} else if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = DefaultMaxConns
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres store: %w", err)
	}
	s := &Store{pool: pool, retry: o.Retry.OrDefault()}
	if o.Migrate {
		if err := s.Init(ctx); err != nil {
			pool.Close()
			return nil, err
		}
	}
	return s, nil
}

// Init applies the schema migrations; safe to run again and concurrently.
func (s *Store) Init(ctx context.Context) error { return Migrate(ctx, s.pool) }

func (s *Store) Get(ctx context.Context, k store.Key) (*progress.Course, error) {
	var doc []byte
	err := s.pool.QueryRow(ctx, `SELECT doc FROM progress_courses WHERE user_id = $1 AND course_id = $2`, k.UserID, k.CourseID).Scan(&doc)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, mapErr(err)
	}
	return store.DecodeCourse(k, doc)
}

// Update is optimistic: it reads the row and its version, applies fn, and
// writes only if the version is still the one it read (or, for a new
// course, only if no row appeared meanwhile); otherwise it backs off and
// reads again. That is two round trips per write in autocommit, where a
// transaction with a row lock took five, and concurrent writers still
// never lose one another's changes: every update of a row bumps its
// version in the database itself (migration 3's trigger), whichever
// release's statement made it.
func (s *Store) Update(ctx context.Context, k store.Key, fn store.UpdateFunc) (*progress.Course, error) {
	for attempt := 0; attempt < s.retry.Attempts; attempt++ {
		if attempt > 0 {
			if err := s.retry.Wait(ctx, attempt-1); err != nil {
				return nil, mapErr(err)
			}
		}
		var doc []byte
		var version int64
		err := s.pool.QueryRow(ctx, `SELECT doc, version FROM progress_courses WHERE user_id = $1 AND course_id = $2`,
			k.UserID, k.CourseID).Scan(&doc, &version)
		if errors.Is(err, pgx.ErrNoRows) {
			doc, version = []byte("{}"), 0
		} else if err != nil {
			return nil, mapErr(err)
		}
		c, err := store.DecodeCourse(k, doc)
		if err != nil {
			return nil, err
		}
		if err := fn(c); err != nil {
			return nil, err
		}
		rec, err := store.Encode(c)
		if err != nil {
			return nil, err
		}
		var tag pgconn.CommandTag
		if version == 0 {
			tag, err = s.pool.Exec(ctx, `INSERT INTO progress_courses (user_id, course_id, doc, summary, lessons, version)
				VALUES ($1, $2, $3, $4, $5, 1) ON CONFLICT DO NOTHING`, k.UserID, k.CourseID, rec.Doc, rec.Summary, rec.Lessons)
		} else {
			tag, err = s.pool.Exec(ctx, `UPDATE progress_courses SET doc = $3, summary = $4, lessons = $5, updated_at = now()
				WHERE user_id = $1 AND course_id = $2 AND version = $6`, k.UserID, k.CourseID, rec.Doc, rec.Summary, rec.Lessons, version)
		}
		if err != nil {
			return nil, mapErr(err)
		}
		if tag.RowsAffected() == 1 {
			return c, nil
		}
	}
	return nil, fmt.Errorf("%w: %d conflicting writes in a row on %s/%s", store.ErrUnavailable, s.retry.Attempts, k.UserID, k.CourseID)
}

func (s *Store) List(ctx context.Context, userID, after string, limit int) ([]progress.Summary, error) {
	rows, err := s.pool.Query(ctx, `SELECT summary FROM progress_courses
		WHERE user_id = $1 AND course_id > $2 AND lessons > 0 ORDER BY course_id LIMIT $3`, userID, after, limit)
	if err != nil {
		return nil, mapErr(err)
	}
	out := []progress.Summary{}
	var b []byte
	_, err = pgx.ForEachRow(rows, []any{&b}, func() error {
		sum, err := store.DecodeSummary(b)
		out = append(out, sum)
		return err
	})
	if err != nil {
		return nil, mapErr(err)
	}
	return out, nil
}

func (s *Store) Scan(ctx context.Context, fn func(*progress.Course) error) error {
	var last store.Key
	for {
		rows, err := s.pool.Query(ctx, `SELECT user_id, course_id, doc FROM progress_courses
			WHERE (user_id, course_id) > ($1, $2) ORDER BY user_id, course_id LIMIT $3`, last.UserID, last.CourseID, store.ScanPageSize)
		if err != nil {
			return mapErr(err)
		}
		var page []*progress.Course
		var k store.Key
		var doc []byte
		_, err = pgx.ForEachRow(rows, []any{&k.UserID, &k.CourseID, &doc}, func() error {
			c, err := store.DecodeCourse(k, doc)
			page = append(page, c)
			last = k
			return err
		})
		if err != nil {
			return mapErr(err)
		}
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

func (s *Store) Ping(ctx context.Context) error { return mapErr(s.pool.Ping(ctx)) }

func (s *Store) Close() error { s.pool.Close(); return nil }

// mapErr turns connection loss, refused connections, shutdowns and
// overload into ErrUnavailable. The pool drops broken connections itself,
// so the next request after the server is back succeeds.
func mapErr(err error) error {
	if err == nil || errors.Is(err, store.ErrUnavailable) {
		return err
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case strings.HasPrefix(pgErr.Code, "08"), // connection exception
			strings.HasPrefix(pgErr.Code, "53"),          // insufficient resources
			strings.HasPrefix(pgErr.Code, "57P"),         // admin shutdown, crash shutdown, cannot connect now
			pgErr.Code == "40001", pgErr.Code == "40P01": // serialization failure, deadlock
			return fmt.Errorf("%w: %v", store.ErrUnavailable, err)
		}
		return err
	}
	var connErr *pgconn.ConnectError
	var netErr net.Error
	if errors.As(err, &connErr) || errors.As(err, &netErr) || pgconn.Timeout(err) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, context.DeadlineExceeded) ||
		strings.Contains(err.Error(), "conn closed") || strings.Contains(err.Error(), "closed pool") {
		return fmt.Errorf("%w: %v", store.ErrUnavailable, err)
	}
	return err
}
