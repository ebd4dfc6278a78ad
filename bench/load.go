package main

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/progresskit/progresskit/service/api"
	"github.com/progresskit/progresskit/service/progress"
	"github.com/progresskit/progresskit/service/store"
)

// Work is what one request does: a write (POST one event) or a read (GET a
// course), to a learner drawn at random from users.
type Work struct {
	Name  string
	Write bool
}

const (
	users    = 1000
	courseID = "bench-101"
)

var seq atomic.Int64

func userID(i int) string { return fmt.Sprintf("bench-u%04d", i) }

func randomUser(r *rand.Rand) string { return userID(r.IntN(users)) }

// op is one unit of Work done to a store directly, for one learner.
type op func(ctx context.Context, user string) error

func eventJSON() string {
	n := seq.Add(1)
	return fmt.Sprintf(`{"events":[{"id":"b-%d","lessonId":"l%d","type":"progress","positionSeconds":%d,"occurredAt":%q,"device":"web","lessonCount":20}]}`,
		n, n%20, n%300, time.Now().UTC().Format(time.RFC3339))
}

// targeter builds each HTTP request afresh: a new learner and event id.
func targeter(s *server, w Work) vegeta.Targeter {
	var mu sync.Mutex
	r := rand.New(rand.NewPCG(1, 2))
	hdr := http.Header{"Authorization": {"Bearer " + s.Token}, "Content-Type": {"application/json"}}
	if w.Write {
		// A heartbeat, as the TypeScript client sends one: the
		// acknowledgement alone.
		hdr.Set("Prefer", api.PreferMinimal)
	}
	return func(t *vegeta.Target) error {
		mu.Lock()
		u := randomUser(r)
		mu.Unlock()
		t.Header = hdr
		t.URL = s.URL + "/v1/users/" + u + "/courses/" + courseID
		t.Method, t.Body = http.MethodGet, nil
		if w.Write {
			t.Method, t.URL, t.Body = http.MethodPost, t.URL+"/events", []byte(eventJSON())
		}
		return nil
	}
}

// Measure is one run's throughput and latencies.
type Measure struct {
	PerSecond        float64
	P50, P99         time.Duration
	Errors, Requests int
}

// errTooManyFailures: more than maxErrorPercent of a run failed.
var errTooManyFailures = errors.New("too many requests failed")

// maxErrorPercent of a run may fail (503 from a busy store is the designed
// answer to overload); a row reports how many did. More aborts the run.
const maxErrorPercent = 5

// httpPeak drives the server closed-loop with conc workers for d.
func httpPeak(s *server, w Work, conc int, d time.Duration) (Measure, error) {
	a := vegeta.NewAttacker(vegeta.Workers(uint64(conc)), vegeta.MaxWorkers(uint64(conc)), vegeta.Connections(conc), vegeta.KeepAlive(true))
	return collect(a.Attack(targeter(s, w), vegeta.Rate{Freq: 0}, d, w.Name))
}

// httpAtRate is open-loop: requests leave on schedule at rate per second,
// whatever the latency, so queueing shows in the percentiles.
func httpAtRate(s *server, w Work, rate float64, d time.Duration) (Measure, error) {
	a := vegeta.NewAttacker(vegeta.KeepAlive(true))
	return collect(a.Attack(targeter(s, w), pacer(rate), d, w.Name))
}

func pacer(rate float64) vegeta.Pacer {
	return vegeta.ConstantPacer{Freq: max(1, int(rate)), Per: time.Second}
}

func collect(results <-chan *vegeta.Result) (Measure, error) {
	var m vegeta.Metrics
	for r := range results {
		m.Add(r)
	}
	m.Close()
	out := Measure{PerSecond: m.Throughput, P50: m.Latencies.P50, P99: m.Latencies.P99}
	for code, n := range m.StatusCodes {
		if code < "200" || code >= "300" {
			out.Errors += n
		}
	}
	if m.Requests == 0 {
		return out, fmt.Errorf("no requests completed")
	}
	out.Requests = int(m.Requests)
	if out.Errors > int(m.Requests*maxErrorPercent/100) {
		return out, fmt.Errorf("%w: %d of %d: %v %v", errTooManyFailures, out.Errors, m.Requests, m.StatusCodes, m.Errors)
	}
	return out, nil
}

// directOp is the same work done to the store in process: no HTTP, JSON
// decoding or auth.
func directOp(st store.Store, w Work) op {
	return func(ctx context.Context, user string) error {
		k := store.Key{UserID: user, CourseID: courseID}
		if !w.Write {
			_, err := st.Get(ctx, k)
			return err
		}
		n := seq.Add(1)
		pos := float64(n % 300)
		lc := 20
		in := progress.EventInput{ID: fmt.Sprintf("d-%d", n), LessonID: fmt.Sprintf("l%d", n%20), Type: progress.TypeProgress,
			PositionSeconds: &pos, OccurredAt: time.Now().UTC().Truncate(time.Second).Format(time.RFC3339), Device: "web", LessonCount: &lc}
		ev, err := in.Validate("event", time.Now())
		if err != nil {
			return err
		}
		// As the HTTP runs: a heartbeat acknowledged alone.
		_, err = st.Record(ctx, k, []progress.Event{ev}, store.ReturnNothing)
		return err
	}
}

// directPeak runs op closed-loop with conc goroutines for d.
func directPeak(do op, conc int, d time.Duration) (Measure, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var n, fails atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for i := range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(i), 7))
			for ctx.Err() == nil {
				if err := do(context.Background(), randomUser(r)); err != nil {
					fails.Add(1)
				} else {
					n.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	m := Measure{PerSecond: float64(n.Load()) / time.Since(start).Seconds(), Errors: int(fails.Load())}
	m.Requests = int(n.Load() + fails.Load())
	if fails.Load()*100 > int64(m.Requests)*maxErrorPercent {
		return m, fmt.Errorf("%d of %d direct operations failed", fails.Load(), n.Load()+fails.Load())
	}
	return m, nil
}

// directAtRate runs op open-loop at rate per second for d.
func directAtRate(do op, rate float64, d time.Duration) (Measure, error) {
	interval := time.Duration(float64(time.Second) / max(rate, 1))
	var mu sync.Mutex
	var lat []time.Duration
	var fails int
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; ; i++ {
		at := start.Add(time.Duration(i) * interval)
		if at.Sub(start) >= d {
			break
		}
		time.Sleep(time.Until(at))
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(i), 11))
			t0 := time.Now()
			err := do(context.Background(), randomUser(r))
			mu.Lock()
			if err != nil {
				fails++
			} else {
				lat = append(lat, time.Since(t0))
			}
			mu.Unlock()
		}(i)
	}
	wg.Wait()
	if len(lat) == 0 {
		return Measure{}, fmt.Errorf("no direct operation succeeded")
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	q := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	return Measure{PerSecond: float64(len(lat)) / d.Seconds(), P50: q(0.50), P99: q(0.99), Errors: fails, Requests: len(lat) + fails}, nil
}

// median of several runs of measure, after one warm-up run.
func median(runs int, measure func() (Measure, error)) (Measure, error) {
	if _, err := measure(); err != nil {
		return Measure{}, fmt.Errorf("warm-up: %w", err)
	}
	var ms []Measure
	for range runs {
		m, err := measure()
		if err != nil {
			return Measure{}, err
		}
		ms = append(ms, m)
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].PerSecond < ms[j].PerSecond })
	mid := ms[len(ms)/2]
	// Percentiles: the median of each, independently.
	p50s, p99s := make([]time.Duration, len(ms)), make([]time.Duration, len(ms))
	for i, m := range ms {
		p50s[i], p99s[i] = m.P50, m.P99
	}
	sort.Slice(p50s, func(i, j int) bool { return p50s[i] < p50s[j] })
	sort.Slice(p99s, func(i, j int) bool { return p99s[i] < p99s[j] })
	mid.P50, mid.P99 = p50s[len(ms)/2], p99s[len(ms)/2]
	return mid, nil
}
