package probe

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// LoadOptions shape a paced load.
type LoadOptions struct {
	Rate     int           // requests per second, sent on schedule whatever the latency
	Duration time.Duration // how long to send
	// Progress, when set, is called about twice a second while the load runs.
	Progress func(LoadStatus)
}

// LoadStatus is the running count.
type LoadStatus struct {
	Elapsed, Duration time.Duration
	Sent, Errors      int
	P99               time.Duration
}

// LoadReport is what a load measured, even when it was stopped early.
type LoadReport struct {
	Rate        int            `json:"rate"`
	Planned     string         `json:"planned"`
	Elapsed     string         `json:"elapsed"`
	Interrupted bool           `json:"interrupted"`
	Requests    int            `json:"requests"`
	Throughput  float64        `json:"throughputPerSecond"`
	P50Ms       float64        `json:"p50Ms"`
	P90Ms       float64        `json:"p90Ms"`
	P99Ms       float64        `json:"p99Ms"`
	MaxMs       float64        `json:"maxMs"`
	Statuses    map[string]int `json:"statuses"` // "0" is a request that got no response
	Errors      int            `json:"errors"`
	// ColdStarts are the outliers a cold start leaves: responses slower
	// than ColdStartFactor times the median and over ColdStartFloor.
	ColdStarts []Outlier `json:"coldStartOutliers"`
}

// Outlier is one slow response, by when it was sent.
type Outlier struct {
	AtMs      float64 `json:"atMs"`
	LatencyMs float64 `json:"latencyMs"`
	Status    int     `json:"status"`
}

// What counts as a cold-start outlier.
const (
	ColdStartFactor = 5
	ColdStartFloor  = 100 * time.Millisecond
	maxOutliers     = 20
)

// Load sends a paced, open-loop mix of writes (one event) and reads of a
// probe-* course of the token's learner, and resets the course afterwards.
// Cancelling ctx stops it early; the report still holds what was measured.
func Load(ctx context.Context, t Target, o LoadOptions) (LoadReport, error) {
	p, err := newProber(t)
	if err != nil {
		return LoadReport{}, err
	}
	if o.Rate < 1 || o.Duration <= 0 {
		return LoadReport{}, fmt.Errorf("load needs a rate of at least 1/s and a duration")
	}
	var mu sync.Mutex
	n := 0
	hdr := http.Header{"Authorization": {"Bearer " + p.t.Token}, "Content-Type": {"application/json"}}
	targeter := func(tg *vegeta.Target) error {
		mu.Lock()
		n++
		i := n
		mu.Unlock()
		tg.Header, tg.URL, tg.Method, tg.Body = hdr, p.t.BaseURL+p.coursePath(), http.MethodGet, nil
		if i%2 == 1 {
			tg.Method, tg.URL = http.MethodPost, tg.URL+"/events"
			tg.Body = []byte(`{"events":[` + event(fmt.Sprintf("load-%s-%d", p.course, i), fmt.Sprintf("l%d", i%8+1), "progress", time.Now(),
				fmt.Sprintf(`,"positionSeconds":%d`, i%600)) + `]}`)
		}
		return nil
	}
	a := vegeta.NewAttacker(vegeta.Timeout(p.t.Client.Timeout), vegeta.KeepAlive(true))
	start := time.Now()
	results := a.Attack(targeter, vegeta.ConstantPacer{Freq: o.Rate, Per: time.Second}, o.Duration, "probe")
	rep := LoadReport{Rate: o.Rate, Planned: o.Duration.String(), Statuses: map[string]int{}}
	var lat []time.Duration
	type sample struct {
		at, lat time.Duration
		code    int
	}
	var samples []sample
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	stopped := false
	running := func() LoadStatus {
		s := LoadStatus{Elapsed: time.Since(start), Duration: o.Duration, Sent: len(lat), Errors: rep.Errors}
		if len(lat) > 0 {
			sorted := append([]time.Duration(nil), lat...)
			sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
			s.P99 = quantile(sorted, 0.99)
		}
		return s
	}
	for results != nil {
		select {
		case r, ok := <-results:
			if !ok {
				results = nil
				continue
			}
			lat = append(lat, r.Latency)
			samples = append(samples, sample{r.Timestamp.Sub(start), r.Latency, int(r.Code)})
			rep.Statuses[strconv.Itoa(int(r.Code))]++
			if r.Code < 200 || r.Code >= 300 {
				rep.Errors++
			}
		case <-tick.C:
			if o.Progress != nil {
				o.Progress(running())
			}
		case <-ctx.Done():
			if !stopped {
				a.Stop() // drains: in-flight requests finish and are counted
				stopped, rep.Interrupted = true, true
			}
		}
	}
	elapsed := time.Since(start)
	rep.Elapsed = elapsed.Round(time.Millisecond).String()
	rep.Requests = len(lat)
	if len(lat) > 0 {
		rep.Throughput = float64(len(lat)) / elapsed.Seconds()
		sorted := append([]time.Duration(nil), lat...)
		sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
		rep.P50Ms, rep.P90Ms, rep.P99Ms = msOf(quantile(sorted, 0.5)), msOf(quantile(sorted, 0.9)), msOf(quantile(sorted, 0.99))
		rep.MaxMs = msOf(sorted[len(sorted)-1])
		limit := max(ColdStartFloor, ColdStartFactor*quantile(sorted, 0.5))
		for _, s := range samples {
			if s.lat > limit && len(rep.ColdStarts) < maxOutliers {
				rep.ColdStarts = append(rep.ColdStarts, Outlier{AtMs: msOf(s.at), LatencyMs: msOf(s.lat), Status: s.code})
			}
		}
	}
	// Leave nothing behind: the probe course is reset whatever happened.
	cleanup, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p.do(cleanup, http.MethodDelete, p.coursePath(), p.t.Token, "", "")
	return rep, nil
}

func quantile(sorted []time.Duration, q float64) time.Duration {
	return sorted[min(len(sorted)-1, int(q*float64(len(sorted))))]
}

func msOf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
