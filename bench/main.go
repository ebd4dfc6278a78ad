package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/progresskit/progresskit/constructs/assets"
	"github.com/progresskit/progresskit/internal/testenv"
)

func main() {
	progressBin := flag.String("progress", "bin/progress", "the progress binary")
	cdk := flag.String("cdk", "node_modules/.bin/cdk", "the CDK CLI")
	out := flag.String("out", "bench/results.json", "where to write the results")
	conc := flag.Int("concurrency", 16, "clients of the throughput runs")
	d := flag.Duration("duration", 3*time.Second, "length of one run")
	runs := flag.Int("runs", 3, "runs of each figure (the median is reported), after one warm-up")
	only := flag.String("only", "", "comma-separated groups to run: stores, lambda, server, synth (default all)")
	markdown := flag.String("markdown", "", "print FILE (a results.json) as docs/performance.md's table, and run nothing")
	doc := flag.String("doc", "docs/performance.md", "the Markdown file whose generated block the run's table replaces (\"\": none)")
	flag.Parse()
	if *markdown != "" {
		var rep Report
		b, err := os.ReadFile(*markdown)
		if err == nil {
			err = json.Unmarshal(b, &rep)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		rep.writeMarkdown(os.Stdout)
		return
	}
	if err := run(*progressBin, *cdk, *out, *doc, *conc, *d, *runs, *only); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(progressBin, cdk, out, doc string, conc int, d time.Duration, runs int, only string) error {
	want := func(g string) bool { return only == "" || strings.Contains(","+only+",", ","+g+",") }
	pgAdmin, endpoint := os.Getenv(testenv.EnvPostgresURL), os.Getenv(testenv.EnvDynamoEndpoint)
	if pgAdmin == "" || endpoint == "" {
		return fmt.Errorf("%s and %s are not set: run under test/with-servers.sh (make bench does)", testenv.EnvPostgresURL, testenv.EnvDynamoEndpoint)
	}
	root, err := assets.ModuleDir()
	if err != nil {
		return err
	}
	if progressBin, err = filepath.Abs(progressBin); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "progress-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	rep := &Report{Machine: machine(), Started: time.Now().UTC().Truncate(time.Second)}
	section := func(name string, rows []Row, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		rep.Rows = append(rep.Rows, rows...)
		fmt.Fprintf(os.Stderr, "bench: %s done (%s)\n", name, time.Since(rep.Started).Round(time.Second))
		return nil
	}
	names := newRunNames(tmp)
	defer func() {
		if err := dropDatabases(pgAdmin, names.databases()); err != nil {
			fmt.Fprintln(os.Stderr, "bench: dropping this run's databases:", err)
		}
	}()
	cases, err := storeCases(tmp, names, pgAdmin, endpoint)
	if err != nil {
		return err
	}
	if want("stores") {
		for _, sc := range cases {
			rows, err := storeRows(sc, progressBin, tmp, conc, d, runs)
			if err := section(sc.Name, rows, err); err != nil {
				return err
			}
		}
		pg, fsync, err := pgbenchUpsert(pgAdmin, names, conc, d, runs)
		if err != nil {
			return err
		}
		for _, r := range rep.Rows {
			if r.Group == "postgres" && strings.HasPrefix(r.Name, "writes (") {
				rep.Rows = append(rep.Rows, atLeast(Row{Group: "postgres", Name: r.Name + " vs pgbench upsert", Ours: r.Ours, Ceiling: pg, Unit: "req/s",
					Note: "both on one server with fsync " + fsync}, 0.4))
			}
		}
		rows, err := dynamoUnitRows(endpoint, unitOps)
		if err := section("dynamodb units", rows, err); err != nil {
			return err
		}
	}
	if want("lambda") {
		rows, err := lambdaRows(tmp, cases[2].HTTPURL, runs)
		if err := section("lambda", rows, err); err != nil {
			return err
		}
	}
	if want("server") {
		rows, err := serverRows(tmp)
		if err := section("server", rows, err); err != nil {
			return err
		}
	}
	if want("synth") {
		rows, err := synthRows(cdk, root, tmp, max(1, runs-1))
		if err := section("synth", rows, err); err != nil {
			return err
		}
	}
	rep.Duration = time.Since(rep.Started).Round(time.Second).String()
	rep.writeTable(os.Stdout)
	if err := rep.save(out); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "bench: wrote %s in %s\n", out, rep.Duration)
	if doc != "" && only == "" {
		if err := rep.writeDoc(doc); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "bench: updated the table in %s\n", doc)
	}
	if missed := rep.missed(); len(missed) > 0 {
		fmt.Fprintf(os.Stderr, "bench: targets missed (docs/performance.md says what bounds each): %s\n", strings.Join(missed, "; "))
	}
	return nil
}

// unitOps is how many heartbeats and views the units rows average over.
const unitOps = 200

// machine names where the figures were measured.
func machine() string {
	host, _ := os.Hostname()
	cpu := ""
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "model name") {
				cpu = strings.TrimSpace(strings.SplitN(line, ":", 2)[1])
				break
			}
		}
	}
	return fmt.Sprintf("%s, %d CPUs (%s), %s/%s, %s", host, runtime.NumCPU(), cpu, runtime.GOOS, runtime.GOARCH, runtime.Version())
}
