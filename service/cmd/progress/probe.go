package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"

	"golang.org/x/term"

	"github.com/progresskit/progresskit/service/probe"
	"github.com/progresskit/progresskit/service/settings"
)

// errInterrupted is a run stopped by Ctrl-C after printing what it had.
var errInterrupted = errors.New("interrupted")

func runProbe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("probe", stderr)
	url := fs.String("url", "", "base URL of the deployment (required), such as the stack's ApiUrl output")
	token := fs.String("token", "", "a learner's bearer token; the probe writes to a probe-* course of its sub and resets it")
	tokenCmd := fs.String("token-cmd", "", "a shell command that prints the token (instead of --token), run once")
	admin := fs.String("admin-token", "", "optional token of the "+settings.AdminGroup+" group, to check admin access")
	duration := fs.Duration("duration", 0, "after the scenarios, send a paced load for this long (0: no load)")
	rate := fs.Int("rate", 20, "requests per second of the load, sent on schedule whatever the latency (open loop)")
	format := fs.String("format", "table", "table or json")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case *url == "":
		fmt.Fprintln(stderr, "progress probe: --url is required")
		return errUsage
	case (*token == "") == (*tokenCmd == ""):
		fmt.Fprintln(stderr, "progress probe: give one of --token and --token-cmd")
		return errUsage
	case *format != "table" && *format != "json":
		fmt.Fprintf(stderr, "progress probe: --format %q: want table or json\n", *format)
		return errUsage
	case *duration < 0 || *rate < 1:
		fmt.Fprintln(stderr, "progress probe: --duration must not be negative and --rate must be at least 1")
		return errUsage
	}
	if *tokenCmd != "" {
		out, err := exec.CommandContext(ctx, "sh", "-c", *tokenCmd).Output()
		if err != nil {
			return fmt.Errorf("--token-cmd: %w", err)
		}
		*token = strings.TrimSpace(string(out))
	}
	target := probe.Target{BaseURL: *url, Token: *token, AdminToken: *admin}

	results := probe.Run(ctx, target)
	failed := 0
	for _, r := range results {
		if r.Err != nil {
			failed++
		}
	}
	if *format == "table" {
		writeScenarios(stdout, results)
	}
	var load *probe.LoadReport
	// A Ctrl-C as the scenarios end, before the load has sent anything,
	// still gets the load's report: interrupted, with what it measured.
	if *duration > 0 {
		opts := probe.LoadOptions{Rate: *rate, Duration: *duration}
		if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			opts.Progress = func(s probe.LoadStatus) {
				fmt.Fprintf(stderr, "\r  %5.1fs of %s  sent %d  errors %d  p99 %.0f ms   ", s.Elapsed.Seconds(), s.Duration, s.Sent, s.Errors, float64(s.P99.Microseconds())/1000)
			}
		}
		rep, err := probe.Load(ctx, target, opts)
		if opts.Progress != nil {
			fmt.Fprint(stderr, "\r\033[K")
		}
		if err != nil {
			return err
		}
		load = &rep
	}
	if *format == "json" {
		if err := writeProbeJSON(stdout, results, load); err != nil {
			return err
		}
	} else if load != nil {
		writeLoad(stdout, load)
	}
	switch {
	case ctx.Err() != nil:
		return errInterrupted
	case failed > 0:
		return fmt.Errorf("%d scenarios failed", failed)
	case load != nil && load.Errors > 0:
		return fmt.Errorf("%d of %d load requests failed", load.Errors, load.Requests)
	}
	return nil
}

func writeScenarios(w io.Writer, results []probe.Result) {
	for _, r := range results {
		status := "ok  "
		if r.Err != nil {
			status = "FAIL"
		}
		fmt.Fprintf(w, "%s %-45s %6.0fms\n", status, r.Name, float64(r.Elapsed.Microseconds())/1000)
		if r.Err != nil {
			fmt.Fprintf(w, "     %v\n", r.Err)
		}
	}
}

func writeLoad(w io.Writer, l *probe.LoadReport) {
	how := ""
	if l.Interrupted {
		how = " (interrupted)"
	}
	fmt.Fprintf(w, "\nload: %d/s for %s, open loop%s: %d requests in %s (%.1f/s)\n", l.Rate, l.Planned, how, l.Requests, l.Elapsed, l.Throughput)
	fmt.Fprintf(w, "  latency  p50 %.1f ms  p90 %.1f ms  p99 %.1f ms  max %.1f ms\n", l.P50Ms, l.P90Ms, l.P99Ms, l.MaxMs)
	codes := make([]string, 0, len(l.Statuses))
	for c := range l.Statuses {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	fmt.Fprint(w, "  statuses")
	for _, c := range codes {
		name := c
		if c == "0" {
			name = "no-response"
		}
		fmt.Fprintf(w, "  %s: %d", name, l.Statuses[c])
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  cold-start outliers (over %dx p50 and %s): %d\n", probe.ColdStartFactor, probe.ColdStartFloor, len(l.ColdStarts))
	for _, o := range l.ColdStarts {
		fmt.Fprintf(w, "    at %6.1fs  %7.1f ms  (%d)\n", o.AtMs/1000, o.LatencyMs, o.Status)
	}
}

func writeProbeJSON(w io.Writer, results []probe.Result, load *probe.LoadReport) error {
	type scenario struct {
		Name  string  `json:"name"`
		OK    bool    `json:"ok"`
		Error string  `json:"error,omitempty"`
		Ms    float64 `json:"ms"`
	}
	doc := struct {
		Scenarios []scenario        `json:"scenarios"`
		Load      *probe.LoadReport `json:"load,omitempty"`
	}{Load: load}
	for _, r := range results {
		s := scenario{Name: r.Name, OK: r.Err == nil, Ms: float64(r.Elapsed.Microseconds()) / 1000}
		if r.Err != nil {
			s.Error = r.Err.Error()
		}
		doc.Scenarios = append(doc.Scenarios, s)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
