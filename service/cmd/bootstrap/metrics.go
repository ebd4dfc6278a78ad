package main

import (
	"encoding/json"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/progresskit/progresskit/service/settings"
)

// serverErrors writes a ServerErrors datapoint for every answer of 500 or
// more, tagged with the function version that answered: what lets a canary
// roll back on its own handled 5xx, which Lambda's Errors metric misses.
// Lambda forwards the process's stdout to CloudWatch Logs, which turns
// each embedded-metric-format line into the datapoint.
func serverErrors(next http.Handler, out io.Writer, function, version string) http.Handler {
	var mu sync.Mutex // one whole line at a time
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		if rec.status < http.StatusInternalServerError {
			return
		}
		line, err := json.Marshal(map[string]any{
			"_aws": map[string]any{
				"Timestamp": time.Now().UnixMilli(),
				"CloudWatchMetrics": []map[string]any{{
					"Namespace":  settings.MetricNamespace,
					"Dimensions": [][]string{{settings.MetricDimensionFunction, settings.MetricDimensionVersion}},
					"Metrics":    []map[string]string{{"Name": settings.MetricServerErrors, "Unit": "Count"}},
				}},
			},
			settings.MetricDimensionFunction: function,
			settings.MetricDimensionVersion:  version,
			settings.MetricServerErrors:      1,
			"status":                         rec.status,
		})
		if err != nil {
			return
		}
		mu.Lock()
		out.Write(append(line, '\n'))
		mu.Unlock()
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wroteHeader {
		r.status, r.wroteHeader = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wroteHeader = true
	return r.ResponseWriter.Write(b)
}
