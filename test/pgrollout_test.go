package test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/progresskit/progresskit/internal/testenv"
	"github.com/progresskit/progresskit/service/progress"
	"github.com/progresskit/progresskit/service/store"
	"github.com/progresskit/progresskit/service/store/pgstore"
)

// During a rolling deploy the releases before this one still write the
// course document (doc) their way while this store writes the registers.
// These tests run their statements beside the current store: nothing any
// of them acknowledges may be lost.

func lessonEvent(lesson string, at time.Time) progress.Event {
	p := 1.0
	return progress.Event{ID: "e-" + lesson, LessonID: lesson, Type: progress.TypeComplete, Position: &p, OccurredAt: at, Device: "web"}
}

// docWith is doc (a course document as the earlier releases store it)
// with ev merged in.
func docWith(t *testing.T, userID, courseID string, doc []byte, ev progress.Event) []byte {
	t.Helper()
	c, err := store.DecodeCourse(store.Key{UserID: userID, CourseID: courseID}, doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.ApplyBatch([]progress.Event{ev}); err != nil {
		t.Fatal(err)
	}
	rec, err := store.Encode(c)
	if err != nil {
		t.Fatal(err)
	}
	return rec.Doc
}

// lockingWrite is a write as the release before optimistic writes made it:
// a row lock, then an UPDATE of doc that never touched version.
func lockingWrite(ctx context.Context, t *testing.T, conn *pgx.Conn, k store.Key, ev progress.Event) {
	t.Helper()
	err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO progress_courses (user_id, course_id, doc, summary, lessons)
			VALUES ($1, $2, '{}', '{}', 0) ON CONFLICT DO NOTHING`, k.UserID, k.CourseID); err != nil {
			return err
		}
		var doc []byte
		if err := tx.QueryRow(ctx, `SELECT doc FROM progress_courses WHERE user_id = $1 AND course_id = $2 FOR UPDATE`,
			k.UserID, k.CourseID).Scan(&doc); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE progress_courses SET doc = $3, updated_at = now() WHERE user_id = $1 AND course_id = $2`,
			k.UserID, k.CourseID, docWith(t, k.UserID, k.CourseID, doc, ev))
		return err
	})
	if err != nil {
		t.Errorf("the release before last's write: %v", err)
	}
}

// optimisticWrite is a write as the previous release made it: read doc and
// version, then write only if the version is unchanged, else again.
func optimisticWrite(ctx context.Context, t *testing.T, conn *pgx.Conn, k store.Key, ev progress.Event) {
	t.Helper()
	for range 50 {
		var doc []byte
		var version int64
		err := conn.QueryRow(ctx, `SELECT doc, version FROM progress_courses WHERE user_id = $1 AND course_id = $2`, k.UserID, k.CourseID).Scan(&doc, &version)
		if errors.Is(err, pgx.ErrNoRows) {
			doc, version = []byte("{}"), 0
		} else if err != nil {
			t.Errorf("the previous release's read: %v", err)
			return
		}
		next := docWith(t, k.UserID, k.CourseID, doc, ev)
		var n int64
		if version == 0 {
			tag, err := conn.Exec(ctx, `INSERT INTO progress_courses (user_id, course_id, doc, summary, lessons, version)
				VALUES ($1, $2, $3, '{}', 1, 1) ON CONFLICT DO NOTHING`, k.UserID, k.CourseID, next)
			if err != nil {
				t.Errorf("the previous release's insert: %v", err)
				return
			}
			n = tag.RowsAffected()
		} else {
			tag, err := conn.Exec(ctx, `UPDATE progress_courses SET doc = $3, updated_at = now() WHERE user_id = $1 AND course_id = $2 AND version = $4`,
				k.UserID, k.CourseID, next, version)
			if err != nil {
				t.Errorf("the previous release's update: %v", err)
				return
			}
			n = tag.RowsAffected()
		}
		if n == 1 {
			return
		}
	}
	t.Error("the previous release's write never won its race")
}

func openPG(t *testing.T, u string, o pgstore.Options) *pgstore.Store {
	t.Helper()
	o.Migrate = true
	s, err := pgstore.Open(context.Background(), u, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// A write of the release before last holds the course's row lock; the
// store's write waits for it, then goes on top: both are kept.
func TestPostgresEarlierReleaseHoldsTheLockWhileTheStoreWrites(t *testing.T) {
	u := testenv.PostgresDB(t)
	s := openPG(t, u, pgstore.Options{})
	ctx := context.Background()
	k := store.Key{UserID: "u", CourseID: "c"}
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	if _, err := s.Record(ctx, k, []progress.Event{lessonEvent("first", at)}, store.ReturnNothing); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var doc []byte
	if err := tx.QueryRow(ctx, `SELECT doc FROM progress_courses WHERE user_id = $1 AND course_id = $2 FOR UPDATE`, k.UserID, k.CourseID).Scan(&doc); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := s.Record(ctx, k, []progress.Event{lessonEvent("new", at.Add(2*time.Second))}, store.ReturnNothing)
		done <- err
	}()
	// The store's write is queued on the lock; the old release writes.
	waitForLockWaiter(t, conn, u)
	if _, err := tx.Exec(ctx, `UPDATE progress_courses SET doc = $3 WHERE user_id = $1 AND course_id = $2`,
		k.UserID, k.CourseID, docWith(t, k.UserID, k.CourseID, doc, lessonEvent("old", at.Add(time.Second)))); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, k)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"first", "old", "new"} {
		if got.Lessons[l] == nil {
			t.Errorf("lesson %q was lost", l)
		}
	}
}

// waitForLockWaiter returns once another session of the database waits
// for a lock: the event the test's next step must follow.
func waitForLockWaiter(t *testing.T, self *pgx.Conn, u string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	watcher, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer watcher.Close(ctx)
	for {
		var waiting int
		if err := watcher.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&waiting); err != nil {
			t.Fatalf("no write queued on the lock: %v", err)
		}
		if waiting > 0 {
			return
		}
	}
}

// Writers of all three releases on one course at full speed.
func TestPostgresThreeReleasesWriteOneCourse(t *testing.T) {
	u := testenv.PostgresDB(t)
	s := openPG(t, u, pgstore.Options{MaxConns: 8})
	ctx := context.Background()
	k := store.Key{UserID: "u", CourseID: "hot"}
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	const writers, each = 4, 8
	var wg sync.WaitGroup
	var want []string
	earlier := map[string]func(context.Context, *testing.T, *pgx.Conn, store.Key, progress.Event){
		"locking": lockingWrite, "optimistic": optimisticWrite,
	}
	for w := range writers {
		for name, write := range earlier {
			wg.Add(1)
			go func() {
				defer wg.Done()
				conn, err := pgx.Connect(ctx, u)
				if err != nil {
					t.Error(err)
					return
				}
				defer conn.Close(ctx)
				for i := range each {
					write(ctx, t, conn, k, lessonEvent(fmt.Sprintf("%s-%d-%d", name, w, i), at.Add(time.Duration(i)*time.Second)))
				}
			}()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				ev := lessonEvent(fmt.Sprintf("current-%d-%d", w, i), at.Add(time.Duration(i)*time.Second))
				if _, err := s.Record(ctx, k, []progress.Event{ev}, store.ReturnNothing); err != nil {
					t.Error(err)
				}
			}
		}()
		for i := range each {
			for _, name := range []string{"locking", "optimistic", "current"} {
				want = append(want, fmt.Sprintf("%s-%d-%d", name, w, i))
			}
		}
	}
	wg.Wait()
	got, err := s.Get(ctx, k)
	if err != nil {
		t.Fatal(err)
	}
	var lost []string
	for _, l := range want {
		if got.Lessons[l] == nil {
			lost = append(lost, l)
		}
	}
	if len(lost) > 0 {
		t.Fatalf("%d of %d acknowledged writes lost: %v", len(lost), len(want), lost)
	}
}

// Migration 3's trigger alone, with no concurrency: the release before
// last writes between the previous release's read and its conditional
// UPDATE. The version must have moved, so that UPDATE changes nothing and
// the retry writes doc on top of both. The registers of migration 4 would
// keep every lesson even without the trigger, so this checks the version
// and doc columns the previous release itself reads.
func TestPostgresVersionTriggerShowsALockingWriteToAnOptimisticWriter(t *testing.T) {
	u := testenv.PostgresDB(t)
	openPG(t, u, pgstore.Options{})
	ctx := context.Background()
	k := store.Key{UserID: "u", CourseID: "c"}
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	previous, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer previous.Close(ctx)
	beforeLast, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer beforeLast.Close(ctx)
	readDocVersion := func() ([]byte, int64) {
		t.Helper()
		var doc []byte
		var version int64
		if err := previous.QueryRow(ctx, `SELECT doc, version FROM progress_courses WHERE user_id = $1 AND course_id = $2`,
			k.UserID, k.CourseID).Scan(&doc, &version); err != nil {
			t.Fatal(err)
		}
		return doc, version
	}

	optimisticWrite(ctx, t, previous, k, lessonEvent("first", at))
	doc, version := readDocVersion()
	lockingWrite(ctx, t, beforeLast, k, lessonEvent("old", at.Add(time.Second)))
	if _, after := readDocVersion(); after <= version {
		t.Errorf("version %d after the release before last's write, was %d: it must go up", after, version)
	}
	tag, err := previous.Exec(ctx, `UPDATE progress_courses SET doc = $3, updated_at = now() WHERE user_id = $1 AND course_id = $2 AND version = $4`,
		k.UserID, k.CourseID, docWith(t, k.UserID, k.CourseID, doc, lessonEvent("new", at.Add(2*time.Second))), version)
	if err != nil {
		t.Fatal(err)
	}
	if n := tag.RowsAffected(); n != 0 {
		t.Errorf("the previous release's UPDATE with the stale version %d changed %d rows, want 0", version, n)
	}
	optimisticWrite(ctx, t, previous, k, lessonEvent("new", at.Add(2*time.Second)))

	doc, _ = readDocVersion()
	c, err := store.DecodeCourse(k, doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"first", "old", "new"} {
		if c.Lessons[l] == nil {
			t.Errorf("lesson %q is not in doc", l)
		}
	}
}
