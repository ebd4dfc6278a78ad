package pgstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/progresskit/progresskit/service/progress"
	"github.com/progresskit/progresskit/service/store"
	"github.com/progresskit/progresskit/service/store/registers"
)

// DefaultMaxConns sizes the pool when neither the URL (pool_max_conns) nor
// the flag does: a db.t4g.micro allows about 80 connections in all.
const DefaultMaxConns = 10

// DefaultLockTimeout bounds how long a write waits for a course's row
// lock (the URL's lock_timeout overrides it): writers of one course queue
// on it for a millisecond or two each, so a longer wait means a stuck
// transaction, and the write is retried, then answered 503.
const DefaultLockTimeout = 2 * time.Second

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
	return open(ctx, url, o, nil)
}

// open is Open with a hook that sets up each new connection (IAM
// authentication signs its password there).
func open(ctx context.Context, url string, o Options, beforeConnect func(context.Context, *pgx.ConnConfig) error) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("postgres store URL: %w", err)
	}
	if o.MaxConns > 0 {
		cfg.MaxConns = int32(o.MaxConns)
	} else if !strings.Contains(url, "pool_max_conns") {
		cfg.MaxConns = DefaultMaxConns
	}
	if _, set := cfg.ConnConfig.RuntimeParams["lock_timeout"]; !set {
		cfg.ConnConfig.RuntimeParams["lock_timeout"] = strconv.Itoa(int(DefaultLockTimeout.Milliseconds()))
	}
	trustRDS(&cfg.ConnConfig.Config)
	cfg.BeforeConnect = beforeConnect
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

// viewSQL reads a course's registers and its lessons, one row per lesson
// (one with NULL lesson columns when it holds none).
const viewSQL = `SELECT c.reset_at, c.last_key, c.lesson_count, l.lesson_id, l.position_key, l.completed_at
	FROM progress_courses c LEFT JOIN progress_lessons l USING (user_id, course_id)
	WHERE c.user_id = $1 AND c.course_id = $2`

func (s *Store) Get(ctx context.Context, k store.Key) (*progress.Course, error) {
	rows, err := s.pool.Query(ctx, viewSQL, k.UserID, k.CourseID)
	if err != nil {
		return nil, mapErr(err)
	}
	return readView(k, rows)
}

// readView assembles the course viewSQL's rows hold, or ErrNotFound.
func readView(k store.Key, rows pgx.Rows) (*progress.Course, error) {
	var h registers.Head
	var lessons []registers.Lesson
	found := false
	var reset, last, id, pos, done *string
	_, err := pgx.ForEachRow(rows, []any{&reset, &last, &h.LessonCount, &id, &pos, &done}, func() error {
		found = true
		h.Reset, h.Last = deref(reset), deref(last)
		if id != nil {
			lessons = append(lessons, registers.Lesson{ID: *id, Position: deref(pos), Completion: deref(done)})
		}
		return nil
	})
	if err != nil {
		return nil, mapErr(err)
	}
	if !found {
		return nil, store.ErrNotFound
	}
	return registers.Assemble(k.UserID, k.CourseID, h, lessons)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Record is one round trip: the events' registers are joined by the
// database under the course row's lock (progress_join, migration 4), and
// the merged course, when wanted, is read in the same pipelined batch,
// inside the same implicit transaction.
func (s *Store) Record(ctx context.Context, k store.Key, events []progress.Event, ret store.Return) (*progress.Course, error) {
	return s.join(ctx, k, registers.Group(events), ret)
}

func (s *Store) Merge(ctx context.Context, k store.Key, c *progress.Course) error {
	_, err := s.join(ctx, k, registers.FromCourse(c), store.ReturnNothing)
	return err
}

const joinSQL = `SELECT progress_join($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`

func (s *Store) join(ctx context.Context, k store.Key, b registers.Batch, ret store.Return) (*progress.Course, error) {
	args := joinArgs(k, b)
	var out *progress.Course
	err := s.retrying(ctx, func() error {
		batch := &pgx.Batch{}
		batch.Queue(joinSQL, args...)
		if ret == store.ReturnCourse {
			batch.Queue(viewSQL, k.UserID, k.CourseID)
		}
		res := s.pool.SendBatch(ctx, batch)
		defer res.Close()
		if _, err := res.Exec(); err != nil {
			return err
		}
		if ret == store.ReturnNothing {
			return nil
		}
		rows, err := res.Query()
		if err != nil {
			return err
		}
		out, err = readView(k, rows)
		return err
	})
	return out, err
}

// joinArgs are progress_join's arguments for b: arrays the function
// unnests, nil where a register gets nothing.
func joinArgs(k store.Key, b registers.Batch) []any {
	var reset, last *string
	if !b.Reset.IsZero() {
		r := registers.Time(b.Reset)
		reset = &r
	}
	if b.Last != "" {
		last = &b.Last
	}
	counts, countAt := []int32{}, []string{}
	for n, at := range b.Counts {
		counts, countAt = append(counts, int32(n)), append(countAt, registers.Time(at))
	}
	var lessons, latest, compLessons, compAt []string
	var positions []*string
	for id, l := range b.Lessons {
		lessons, latest = append(lessons, id), append(latest, registers.Time(l.Latest))
		var pos *string
		if l.Position != "" {
			p := l.Position
			pos = &p
		}
		positions = append(positions, pos)
		for _, at := range l.Completions {
			compLessons, compAt = append(compLessons, id), append(compAt, registers.Time(at))
		}
	}
	return []any{k.UserID, k.CourseID, reset, last, counts, countAt, nonNil(lessons), positions, nonNil(latest),
		nonNil(compLessons), nonNil(compAt), int32(progress.MaxLessonsPerCourse)}
}

// nonNil keeps an empty array from reaching the database as NULL, which
// unnest would turn into no rows where the function expects '{}'.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (s *Store) Reset(ctx context.Context, k store.Key, now time.Time) error {
	return s.retrying(ctx, func() error {
		_, err := s.pool.Exec(ctx, `SELECT progress_reset($1, $2, $3)`, k.UserID, k.CourseID, registers.Time(now))
		return err
	})
}

// retrying runs one write, again after a jittered backoff while it fails
// only because another transaction was in its way (a lock it waited for
// past lock_timeout, a deadlock); then it gives up with ErrUnavailable.
func (s *Store) retrying(ctx context.Context, write func() error) error {
	var err error
	for attempt := 0; attempt < s.retry.Attempts; attempt++ {
		if attempt > 0 {
			if werr := s.retry.Wait(ctx, attempt-1); werr != nil {
				return mapErr(werr)
			}
		}
		err = write()
		if !contended(err) {
			return mapErr(err)
		}
	}
	return fmt.Errorf("%w: %d attempts in a row met another writer: %v", store.ErrUnavailable, s.retry.Attempts, err)
}

// contended: the write lost to another transaction and may succeed again.
func contended(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "55P03" || pgErr.Code == "40P01" || pgErr.Code == "40001")
}

// listSQL lists the non-empty courses from their own columns: the counts
// progress_join keeps, so listing never reads a lesson.
const listSQL = `SELECT course_id, completed, lesson_count, last_key FROM progress_courses
	WHERE user_id = $1 AND course_id > $2 AND live_lessons > 0 ORDER BY course_id LIMIT $3`

func (s *Store) List(ctx context.Context, userID, after string, limit int) ([]progress.Summary, error) {
	rows, err := s.pool.Query(ctx, listSQL, userID, after, limit)
	if err != nil {
		return nil, mapErr(err)
	}
	out := []progress.Summary{}
	var courseID string
	var completed, count int
	var lastKey *string
	_, err = pgx.ForEachRow(rows, []any{&courseID, &completed, &count, &lastKey}, func() error {
		var last *progress.Last
		if lastKey != nil {
			l, err := registers.ParseLastKey(*lastKey)
			if err != nil {
				return err
			}
			last = l
		}
		out = append(out, progress.SummaryOf(userID, courseID, completed, count, last))
		return nil
	})
	if err != nil {
		return nil, mapErr(err)
	}
	return out, nil
}

// scanSQL reads a page of courses, each with its lessons.
const scanSQL = `WITH page AS (
		SELECT user_id, course_id, reset_at, last_key, lesson_count FROM progress_courses
		WHERE (user_id, course_id) > ($1, $2) ORDER BY user_id, course_id LIMIT $3)
	SELECT p.user_id, p.course_id, p.reset_at, p.last_key, p.lesson_count, l.lesson_id, l.position_key, l.completed_at
	FROM page p LEFT JOIN progress_lessons l USING (user_id, course_id)
	ORDER BY p.user_id, p.course_id`

func (s *Store) Scan(ctx context.Context, fn func(*progress.Course) error) error {
	var last store.Key
	for {
		rows, err := s.pool.Query(ctx, scanSQL, last.UserID, last.CourseID, store.ScanPageSize)
		if err != nil {
			return mapErr(err)
		}
		var page []*progress.Course
		var k, cur store.Key
		var h registers.Head
		var lessons []registers.Lesson
		n := 0
		flush := func() error {
			if n == 0 {
				return nil
			}
			c, err := registers.Assemble(cur.UserID, cur.CourseID, h, lessons)
			page = append(page, c)
			return err
		}
		var reset, lastKey, id, pos, done *string
		var count int
		_, err = pgx.ForEachRow(rows, []any{&k.UserID, &k.CourseID, &reset, &lastKey, &count, &id, &pos, &done}, func() error {
			if n == 0 || k != cur {
				if err := flush(); err != nil {
					return err
				}
				cur, n, lessons = k, n+1, nil
				h = registers.Head{Reset: deref(reset), Last: deref(lastKey), LessonCount: count}
			}
			if id != nil {
				lessons = append(lessons, registers.Lesson{ID: *id, Position: deref(pos), Completion: deref(done)})
			}
			return nil
		})
		if err == nil {
			err = flush()
		}
		if err != nil {
			return mapErr(err)
		}
		for _, c := range page {
			if err := fn(c); err != nil {
				return err
			}
		}
		if n < store.ScanPageSize {
			return nil
		}
		last = cur
	}
}

func (s *Store) Ping(ctx context.Context) error { return mapErr(s.pool.Ping(ctx)) }

func (s *Store) Close() error { s.pool.Close(); return nil }

// lessonLimitCode is the SQLSTATE progress_join raises when a batch would
// take a course past progress.MaxLessonsPerCourse.
const lessonLimitCode = "PK422"

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
		case pgErr.Code == lessonLimitCode:
			return fmt.Errorf("%w: %s", progress.ErrTooManyLessons, pgErr.Message)
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
