package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/progresskit/progresskit/service/store/storeurl"
	"github.com/progresskit/progresskit/service/transfer"
)

// progressEvery is how often, in courses, a non-terminal stderr gets a
// progress line; a terminal gets a live status line instead.
const progressEvery = 500

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("migrate", stderr)
	from := fs.String("from", "", "source store URL (required): "+storeurl.Schemes())
	to := fs.String("to", "", "destination store URL (required)")
	verify := fs.Bool("verify", false, "after copying, read both sides back and compare every course")
	workers := fs.Int("workers", transfer.DefaultWorkers, "courses written at once")
	initDst := fs.Bool("init", false, "create what the destination needs first (as 'progress store init')")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		fmt.Fprintln(stderr, "progress migrate: --from and --to are both required")
		return errUsage
	}
	if *from == *to {
		return errors.New("--from and --to name the same store")
	}
	src, err := storeurl.Open(ctx, *from, storeurl.Options{})
	if err != nil {
		return fmt.Errorf("source: %w", err)
	}
	defer src.Close()
	dst, err := storeurl.Open(ctx, *to, storeurl.Options{Init: *initDst})
	if err != nil {
		return fmt.Errorf("destination: %w", err)
	}
	defer dst.Close()

	bar := newProgressLine(stderr)
	st, err := transfer.Copy(ctx, src, dst, transfer.Options{Workers: *workers, Progress: bar.update})
	bar.done()
	if err != nil {
		return fmt.Errorf("migration stopped after %d courses (run the same command again to finish; the merge makes it safe): %w", st.Courses, err)
	}
	fmt.Fprintf(stdout, "migrated users=%d courses=%d seconds=%.1f\n", st.Users, st.Courses, st.Elapsed.Seconds())
	if !*verify {
		return nil
	}
	vs, mismatches, bad, err := transfer.Verify(ctx, src, dst, 10)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	for _, m := range mismatches {
		fmt.Fprintf(stderr, "mismatch: user %s course %s: %s\n", m.Key.UserID, m.Key.CourseID, m.Reason)
	}
	fmt.Fprintf(stdout, "verified users=%d courses=%d mismatches=%d seconds=%.1f\n", vs.Users, vs.Courses, bad, vs.Elapsed.Seconds())
	if bad > 0 {
		return fmt.Errorf("%d courses differ between source and destination", bad)
	}
	return nil
}

// progressLine reports a running copy on stderr: a status line rewritten in
// place on a terminal, a plain line every progressEvery courses otherwise.
type progressLine struct {
	mu    sync.Mutex
	w     io.Writer
	tty   bool
	last  time.Time
	drawn bool
}

func newProgressLine(w io.Writer) *progressLine {
	f, ok := w.(*os.File)
	return &progressLine{w: w, tty: ok && term.IsTerminal(int(f.Fd()))}
}

func (p *progressLine) update(s transfer.Stats) {
	p.mu.Lock()
	defer p.mu.Unlock()
	rate := float64(s.Courses) / max(s.Elapsed.Seconds(), 0.001)
	if p.tty {
		if time.Since(p.last) < 100*time.Millisecond {
			return
		}
		p.last = time.Now()
		fmt.Fprintf(p.w, "\r%s migrated %d courses of %d users (%.0f/s) ", spinner(s.Courses), s.Courses, s.Users, rate)
		p.drawn = true
		return
	}
	if s.Courses%progressEvery == 0 {
		fmt.Fprintf(p.w, "progress: courses=%d users=%d rate=%.0f/s\n", s.Courses, s.Users, rate)
	}
}

func (p *progressLine) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}

func spinner(n int64) string { return string(`|/-\`[n%4]) }
