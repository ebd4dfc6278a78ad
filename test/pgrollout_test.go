package test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/progresskit/progresskit/service/progress"
	"github.com/progresskit/progresskit/service/store"
	"github.com/progresskit/progresskit/service/store/pgstore"
	"github.com/progresskit/progresskit/test/testenv"
)

// oldReleaseWrite is a write as the release before optimistic writes made
// it: a row lock, then an UPDATE that never touched version. During a
// rolling deploy such writes meet the current store on the same rows.
func oldReleaseWrite(ctx context.Context, t *testing.T, conn *pgx.Conn, k store.Key, ev progress.Event) {
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
		c, err := store.DecodeCourse(k, doc)
		if err != nil {
			return err
		}
		if err := c.ApplyBatch([]progress.Event{ev}); err != nil {
			return err
		}
		rec, err := store.Encode(c)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE progress_courses SET doc = $3, summary = $4, lessons = $5, updated_at = now()
			WHERE user_id = $1 AND course_id = $2`, k.UserID, k.CourseID, rec.Doc, rec.Summary, rec.Lessons)
		return err
	})
	if err != nil {
		t.Fatalf("old release's write: %v", err)
	}
}

func lessonEvent(lesson string, at time.Time) progress.Event {
	p := 1.0
	return progress.Event{ID: "e-" + lesson, LessonID: lesson, Type: progress.TypeComplete, Position: &p, OccurredAt: at, Device: "web"}
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

// A write by the previous release lands between the current store's read
// and its conditional write: the database bumps the version for it, so
// the store reads again and neither write is lost.
func TestPostgresOldReleaseWriteBetweenReadAndWrite(t *testing.T) {
	u := testenv.PostgresDB(t)
	s := openPG(t, u, pgstore.Options{})
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	k := store.Key{UserID: "u", CourseID: "c"}
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	if _, err := s.Update(ctx, k, func(c *progress.Course) error { return c.ApplyBatch([]progress.Event{lessonEvent("first", at)}) }); err != nil {
		t.Fatal(err)
	}
	calls := 0
	_, err = s.Update(ctx, k, func(c *progress.Course) error {
		calls++
		if calls == 1 {
			oldReleaseWrite(ctx, t, conn, k, lessonEvent("old", at.Add(time.Second)))
		}
		return c.ApplyBatch([]progress.Event{lessonEvent("new", at.Add(2*time.Second))})
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, k)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []string{"first", "old", "new"} {
		if got.Lessons[l] == nil {
			t.Errorf("lesson %q was lost (store read the course %d times)", l, calls)
		}
	}
}

// The same race at full speed: writers of both releases on one course.
func TestPostgresOldAndNewReleaseWritersTogether(t *testing.T) {
	u := testenv.PostgresDB(t)
	s := openPG(t, u, pgstore.Options{MaxConns: 8})
	ctx := context.Background()
	k := store.Key{UserID: "u", CourseID: "hot"}
	at := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	const writers, each = 6, 8
	var wg sync.WaitGroup
	var want []string
	for w := range writers {
		for i := range each {
			want = append(want, fmt.Sprintf("old-%d-%d", w, i), fmt.Sprintf("new-%d-%d", w, i))
		}
		wg.Add(2)
		go func() {
			defer wg.Done()
			conn, err := pgx.Connect(ctx, u)
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close(ctx)
			for i := range each {
				oldReleaseWrite(ctx, t, conn, k, lessonEvent(fmt.Sprintf("old-%d-%d", w, i), at))
			}
		}()
		go func() {
			defer wg.Done()
			for i := range each {
				ev := lessonEvent(fmt.Sprintf("new-%d-%d", w, i), at)
				if _, err := s.Update(ctx, k, func(c *progress.Course) error { return c.ApplyBatch([]progress.Event{ev}) }); err != nil {
					t.Error(err)
				}
			}
		}()
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
