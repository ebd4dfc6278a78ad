package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/progresskit/progresskit/service/settings"
	"github.com/progresskit/progresskit/service/store"
	"github.com/progresskit/progresskit/service/store/storeurl"
)

// storeCase is one store, with one copy for the server and one for the
// direct client, so neither sees the other's load.
type storeCase struct {
	Name             string
	HTTPURL, Direct  string
	WriteRatioTarget float64
}

// runNames are what one bench run creates on the shared servers and the
// machine: each database is dropped and created afresh, so two runs at once
// with the same names would drop each other's mid-measurement, and would
// rewrite one pgbench script.
type runNames struct {
	HTTPDB, DirectDB, PgbenchDB string
	HTTPTable, DirectTable      string
	PgbenchScript               string
}

// newRunNames gives the run's names one random suffix (lower-case hex, so
// the databases stay plain PostgreSQL identifiers) and puts its pgbench
// script in tmp, the run's own directory.
func newRunNames(tmp string) runNames {
	b := make([]byte, 5)
	rand.Read(b)
	id := hex.EncodeToString(b)
	return runNames{
		HTTPDB: "progress_bench_http_" + id, DirectDB: "progress_bench_direct_" + id, PgbenchDB: "progress_bench_pgbench_" + id,
		HTTPTable: "bench-http-" + id, DirectTable: "bench-direct-" + id,
		PgbenchScript: filepath.Join(tmp, "pgbench-upsert.sql"),
	}
}

// databases are the PostgreSQL databases a run creates.
func (n runNames) databases() []string { return []string{n.HTTPDB, n.DirectDB, n.PgbenchDB} }

func storeCases(tmp string, names runNames, pgAdmin, dynamoEndpoint string) ([]storeCase, error) {
	cases := []storeCase{{Name: "sqlite", HTTPURL: "sqlite://" + filepath.Join(tmp, "http.db"), Direct: "sqlite://" + filepath.Join(tmp, "direct.db"), WriteRatioTarget: 0.6}}
	pgHTTP, err := freshDatabase(pgAdmin, names.HTTPDB)
	if err != nil {
		return nil, err
	}
	pgDirect, err := freshDatabase(pgAdmin, names.DirectDB)
	if err != nil {
		return nil, err
	}
	cases = append(cases, storeCase{Name: "postgres", HTTPURL: pgHTTP, Direct: pgDirect, WriteRatioTarget: 0.7})
	dyn := func(table string) string {
		return "dynamodb://" + table + "?region=us-east-1&endpoint=" + url.QueryEscape(dynamoEndpoint)
	}
	cases = append(cases, storeCase{Name: "dynamodb", HTTPURL: dyn(names.HTTPTable), Direct: dyn(names.DirectTable), WriteRatioTarget: 0.7})
	return cases, nil
}

// freshDatabase drops and creates name on the server and returns its URL.
func freshDatabase(admin, name string) (string, error) {
	ctx, cancel := waitCtx(30 * time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return "", fmt.Errorf("PostgreSQL at %s: %w", admin, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return "", err
	}
	u, err := url.Parse(admin)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// dropDatabases removes a run's databases: with a name of its own, a run
// that left them would leave them for good.
func dropDatabases(admin string, names []string) error {
	ctx, cancel := waitCtx(30 * time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return fmt.Errorf("PostgreSQL at %s: %w", admin, err)
	}
	defer conn.Close(ctx)
	var errs []error
	for _, name := range names {
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// prepare creates what the store needs and gives every learner of the read
// set a course, so reads find one.
func prepare(storeURL string, conns int) (store.Store, error) {
	ctx, cancel := waitCtx(2 * time.Minute)
	defer cancel()
	st, err := storeurl.Open(ctx, storeURL, storeurl.Options{PGMaxConns: conns})
	if err != nil {
		return nil, err
	}
	if in, ok := st.(store.Initializer); ok {
		if err := in.Init(ctx); err != nil {
			st.Close()
			return nil, err
		}
	}
	write := directOp(st, Work{Write: true})
	for i := range users {
		if err := write(ctx, userID(i)); err != nil {
			st.Close()
			return nil, fmt.Errorf("seed %s: %w", storeURL, err)
		}
	}
	return st, nil
}

// pgbenchUpsert is the ceiling the issue names: the same server upserting
// a JSONB row keyed by (user, course), with as many clients. It also says
// whether the server flushes its commits (fsync): without, the ceiling is
// CPU alone, a server no production database is.
func pgbenchUpsert(admin string, names runNames, conc int, d time.Duration, runs int) (tps float64, fsync string, err error) {
	dbURL, err := freshDatabase(admin, names.PgbenchDB)
	if err != nil {
		return 0, "", err
	}
	ctx, cancel := waitCtx(30 * time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return 0, "", err
	}
	err = conn.QueryRow(ctx, `SHOW fsync`).Scan(&fsync)
	if err == nil {
		_, err = conn.Exec(ctx, `CREATE TABLE bench_upsert (user_id text NOT NULL, course_id text NOT NULL, doc jsonb NOT NULL, PRIMARY KEY (user_id, course_id))`)
	}
	conn.Close(ctx)
	if err != nil {
		return 0, "", err
	}
	script := names.PgbenchScript
	if err := os.WriteFile(script, []byte(fmt.Sprintf(`\set uid random(0, %d)
INSERT INTO bench_upsert (user_id, course_id, doc) VALUES ('bench-u' || :uid, '%s', '{"lessons":{"l1":{"positionSeconds":12}}}')
  ON CONFLICT (user_id, course_id) DO UPDATE SET doc = EXCLUDED.doc;
`, users-1, courseID)), 0o644); err != nil {
		return 0, "", err
	}
	bin, err := pgbenchPath()
	if err != nil {
		return 0, "", err
	}
	tpsRE := regexp.MustCompile(`tps = ([0-9.]+) \(without initial connection time\)`)
	m, err := median(runs, func() (Measure, error) {
		out, err := exec.Command(bin, "-n", "-c", strconv.Itoa(conc), "-j", "2", "-T", strconv.Itoa(int(d.Seconds())), "-f", script, dbURL).CombinedOutput()
		if err != nil {
			return Measure{}, fmt.Errorf("pgbench: %v\n%s", err, out)
		}
		mm := tpsRE.FindSubmatch(out)
		if mm == nil {
			return Measure{}, fmt.Errorf("no tps in pgbench output:\n%s", out)
		}
		tps, _ := strconv.ParseFloat(string(mm[1]), 64)
		return Measure{PerSecond: tps}, nil
	})
	return m.PerSecond, fsync, err
}

func pgbenchPath() (string, error) {
	if p, err := exec.LookPath("pgbench"); err == nil {
		return p, nil
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pgbench")
	if len(found) == 0 {
		return "", fmt.Errorf("pgbench is missing (Debian's postgresql package has it; make installs it)")
	}
	return found[len(found)-1], nil
}

// storeRows measures one store over HTTP and directly.
func storeRows(sc storeCase, progressBin, tmp string, conc int, d time.Duration, runs int) ([]Row, error) {
	// The server and the direct client get the same PostgreSQL pool: one
	// connection per client.
	direct, err := prepare(sc.Direct, conc)
	if err != nil {
		return nil, err
	}
	defer direct.Close()
	seeded, err := prepare(sc.HTTPURL, conc)
	if err != nil {
		return nil, err
	}
	seeded.Close()
	srv, err := startServer(progressBin, sc.HTTPURL, tmp, "--"+settings.PGMaxConns.Flag, strconv.Itoa(conc))
	if err != nil {
		return nil, err
	}
	defer srv.stop()

	var rows []Row
	for _, w := range []Work{{Name: "writes", Write: true}, {Name: "reads"}} {
		peak, err := median(runs, func() (Measure, error) { return wrkPeak(srv, w, conc, d, tmp) })
		if err != nil {
			return nil, fmt.Errorf("%s %s over HTTP: %w", sc.Name, w.Name, err)
		}
		do := directOp(direct, w)
		dpeak, err := median(runs, func() (Measure, error) { return directPeak(do, conc, d) })
		if err != nil {
			return nil, fmt.Errorf("%s %s direct: %w", sc.Name, w.Name, err)
		}
		// Latency at a quarter of the peak that the open-loop generator
		// itself reaches closed loop (vegeta costs the shared CPU more than
		// wrk, so a share of wrk's peak would measure the generator's
		// queue), where the generator does not set the queue; or less where
		// even that piles up more than the store keeps up with: each step
		// takes a quarter off.
		gen, err := median(1, func() (Measure, error) { return httpPeak(srv, w, conc, d) })
		if err != nil {
			return nil, fmt.Errorf("%s %s over HTTP with vegeta: %w", sc.Name, w.Name, err)
		}
		rate := gen.PerSecond * latencyLoad
		var lat Measure
		var overload string
		for step := 0; ; step++ {
			lat, err = median(runs, func() (Measure, error) { return httpAtRate(srv, w, rate, d) })
			if err == nil {
				break
			}
			if step == maxRateSteps || !errors.Is(err, errTooManyFailures) {
				return nil, fmt.Errorf("%s %s at %.0f/s: %w", sc.Name, w.Name, rate, err)
			}
			overload = fmt.Sprintf("a quarter of the generator's peak (%.0f/s) was more than the store keeps up with open loop; measured at %.0f/s", gen.PerSecond*latencyLoad, rate*0.75)
			rate *= 0.75
		}
		dlat, err := median(runs, func() (Measure, error) { return directAtRate(do, rate, d) })
		if err != nil {
			return nil, fmt.Errorf("%s %s direct at a quarter load: %w", sc.Name, w.Name, err)
		}
		peakRow := Row{Group: sc.Name, Name: w.Name + " (" + strconv.Itoa(conc) + " clients)", Ours: peak.PerSecond, Ceiling: dpeak.PerSecond, Unit: "req/s",
			Note: ""}
		if w.Write {
			rows = append(rows, atLeast(peakRow, sc.WriteRatioTarget))
		} else {
			rows = append(rows, info(peakRow))
		}
		at := fmt.Sprintf(" at %.0f/s", rate)
		p99 := Row{Group: sc.Name, Name: w.Name + " p99 added" + at, Ours: ms(lat.P99), Ceiling: ms(dlat.P99), Unit: "ms", Note: overload}
		if lat.Errors+dlat.Errors > 0 {
			p99.Note = strings.TrimPrefix(p99.Note+"; ", "; ") + fmt.Sprintf("%d of %d HTTP requests and %d of %d direct operations failed (store busy)", lat.Errors, lat.Requests, dlat.Errors, dlat.Requests)
		}
		rows = append(rows,
			info(Row{Group: sc.Name, Name: w.Name + " p50" + at, Ours: ms(lat.P50), Ceiling: ms(dlat.P50), Unit: "ms"}),
			deltaBelow(p99, p99TargetMs),
		)
	}
	return rows, nil
}

// maxRateSteps bounds how far the latency runs' rate is stepped down.
const maxRateSteps = 4

// latencyLoad is the share of the generator's own peak the latency runs
// send, and p99TargetMs what the service may add to the store's p99 there.
const (
	latencyLoad = 0.25
	p99TargetMs = 2
)

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
