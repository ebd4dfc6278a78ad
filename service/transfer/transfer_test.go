package transfer_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"path/filepath"
	"testing"
	"time"

	"github.com/progresskit/progresskit/service/progress"
	"github.com/progresskit/progresskit/service/store"
	"github.com/progresskit/progresskit/service/store/sqlitestore"
	"github.com/progresskit/progresskit/service/store/storetest"
	"github.com/progresskit/progresskit/service/transfer"
)

func open(t *testing.T) store.Store {
	s, err := sqlitestore.Open(context.Background(), filepath.Join(t.TempDir(), "p.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestCopyInterruptedThenResumedVerifies(t *testing.T) {
	ctx := context.Background()
	src, dst := open(t), open(t)
	r := rand.New(rand.NewSource(1))
	for i := range 300 {
		k := store.Key{UserID: fmt.Sprintf("user-%02d", i%40), CourseID: fmt.Sprintf("c%d", i)}
		events := storetest.RandomEvents(r, 5)
		if _, err := src.Record(ctx, k, events, store.ReturnNothing); err != nil {
			t.Fatal(err)
		}
		if i%25 == 0 {
			src.Reset(ctx, k, time.Now())
		}
	}
	// Interrupt after 100 courses.
	cctx, cancel := context.WithCancel(ctx)
	st, err := transfer.Copy(cctx, src, dst, transfer.Options{Workers: 4, Progress: func(s transfer.Stats) {
		if s.Courses >= 100 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || st.Courses < 100 || st.Courses >= 300 {
		t.Fatalf("interrupted copy: %+v %v", st, err)
	}
	if _, _, bad, err := transfer.Verify(ctx, src, dst, 0); err != nil || bad == 0 {
		t.Fatalf("an interrupted copy verified clean: bad=%d err=%v", bad, err)
	}
	st, err = transfer.Copy(ctx, src, dst, transfer.Options{})
	if err != nil || st.Courses != 300 || st.Users != 40 {
		t.Fatalf("resumed copy: %+v %v", st, err)
	}
	vs, mm, bad, err := transfer.Verify(ctx, src, dst, 5)
	if err != nil || bad != 0 || vs.Courses != 300 || vs.Users != 40 {
		t.Fatalf("verify: %+v %v bad=%d %v", vs, mm, bad, err)
	}
	// Verify notices a change made behind its back.
	p := 1.0
	dst.Record(ctx, store.Key{UserID: "user-01", CourseID: "c1"},
		[]progress.Event{{ID: "x", LessonID: "extra", Type: progress.TypeProgress, Position: &p, OccurredAt: time.Now(), Device: "web"}}, store.ReturnNothing)
	if _, mm, bad, _ := transfer.Verify(ctx, src, dst, 5); bad != 1 || mm[0].Key.CourseID != "c1" {
		t.Fatalf("verify missed a difference: %d %v", bad, mm)
	}
}
