package main

import (
	"encoding/json"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/progresskit/progresskit/service/settings"
)

// The bootstrap is given the table's store URL, as the Lambda construct
// gives it, and the local endpoint as the SDK reads it, not in the URL.
func TestLambdaEnvNamesTheTable(t *testing.T) {
	endpoint := "http://127.0.0.1:8000"
	env, err := lambdaEnv("dynamodb://bench-http-x1?region=us-east-1&endpoint=" + url.QueryEscape(endpoint))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{settings.Store.Env + "=dynamodb://bench-http-x1?region=us-east-1", "AWS_ENDPOINT_URL_DYNAMODB=" + endpoint} {
		if !slices.Contains(env, want) {
			t.Errorf("environment %q lacks %q", env, want)
		}
	}
}

// wrk's Requests/sec counts every answer; the figure set beside the direct
// store, which counts only operations that succeeded, must count only the
// successful ones too. testdata/wrk-non2xx.txt is wrk 4.1.0's output
// against a server that answers every fourth request with 503.
func TestWrkCountsOnlySuccesses(t *testing.T) {
	out, err := os.ReadFile(filepath.Join("testdata", "wrk-non2xx.txt"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := parseWrk(out)
	if err != nil {
		t.Fatal(err)
	}
	if m.Requests != 39398 || m.Errors != 9849 {
		t.Errorf("requests %d, errors %d; want 39398 and 9849", m.Requests, m.Errors)
	}
	// 35821.09 answers/s over 39398 answers is 1.0999 s; 29549 succeeded.
	if want := 35821.09 * 29549 / 39398; math.Abs(m.PerSecond-want) > 0.01 {
		t.Errorf("%.2f per second, want the successful %.2f", m.PerSecond, want)
	}
	clean := regexp.MustCompile(`(?m)^\s*Non-2xx or 3xx responses: \d+\n`).ReplaceAll(out, nil)
	if m, err := parseWrk(clean); err != nil || m.PerSecond != 35821.09 || m.Errors != 0 {
		t.Errorf("without failures: %+v %v, want every answer counted", m, err)
	}
	if _, err := parseWrk([]byte("unable to connect to 127.0.0.1:1 Connection refused\n")); err == nil {
		t.Error("output with no figures accepted")
	}
}

// Two runs against one PostgreSQL server (or one machine's temporary
// directory) must not drop each other's databases or rewrite each other's
// pgbench script.
func TestRunsShareNoDatabaseOrScript(t *testing.T) {
	tmpA, tmpB := t.TempDir(), t.TempDir()
	a, b := newRunNames(tmpA), newRunNames(tmpB)
	ident := regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)
	for _, pair := range [][2]string{{a.HTTPDB, b.HTTPDB}, {a.DirectDB, b.DirectDB}, {a.PgbenchDB, b.PgbenchDB}} {
		if pair[0] == pair[1] {
			t.Errorf("both runs use database %s", pair[0])
		}
		if !ident.MatchString(pair[0]) {
			t.Errorf("%q is not a plain PostgreSQL identifier", pair[0])
		}
	}
	if a.HTTPTable == b.HTTPTable || a.DirectTable == b.DirectTable {
		t.Errorf("both runs use tables %s and %s", a.HTTPTable, a.DirectTable)
	}
	if !strings.HasPrefix(a.PgbenchScript, tmpA+string(filepath.Separator)) || !strings.HasPrefix(b.PgbenchScript, tmpB+string(filepath.Separator)) {
		t.Errorf("pgbench scripts %s and %s are not in their runs' directories %s and %s", a.PgbenchScript, b.PgbenchScript, tmpA, tmpB)
	}
}

// docs/performance.md shows bench/results.json's table as the run wrote
// it: 'make bench' replaces the block, and nobody edits it by hand.
func TestPerformanceDocShowsTheLastRun(t *testing.T) {
	b, err := os.ReadFile("results.json")
	if err != nil {
		t.Fatal(err)
	}
	var rep Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	doc := filepath.Join(t.TempDir(), "performance.md")
	committed, err := os.ReadFile("../docs/performance.md")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(doc, committed, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := rep.writeDoc(doc); err != nil {
		t.Fatal(err)
	}
	if rewritten, _ := os.ReadFile(doc); string(rewritten) != string(committed) {
		t.Error("docs/performance.md's bench block is not bench/results.json's table: run 'make bench', or 'go run ./bench -markdown bench/results.json'")
	}
}
