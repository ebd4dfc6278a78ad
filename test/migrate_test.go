package test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/progresskit/progresskit/internal/testenv"
	"github.com/progresskit/progresskit/service/api"
	"github.com/progresskit/progresskit/service/auth"
	"github.com/progresskit/progresskit/service/store"
	"github.com/progresskit/progresskit/service/store/sqlitestore"
	"github.com/progresskit/progresskit/service/store/storetest"
)

const (
	migrateUsers   = 250
	migrateCourses = 2500
)

// seedSQLite writes migrateCourses courses, some of them reset.
func seedSQLite(t *testing.T, path string) []store.Key {
	t.Helper()
	s, err := sqlitestore.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := rand.New(rand.NewSource(42))
	var keys []store.Key
	for i := range migrateCourses {
		k := store.Key{UserID: fmt.Sprintf("learner-%03d", i%migrateUsers), CourseID: fmt.Sprintf("course-%04d", i)}
		events := storetest.RandomEvents(r, 1+r.Intn(8))
		if _, err := s.Record(context.Background(), k, events, store.ReturnNothing); err != nil {
			t.Fatal(err)
		}
		if i%97 == 0 {
			if err := s.Reset(context.Background(), k, time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)); err != nil {
				t.Fatal(err)
			}
		}
		keys = append(keys, k)
	}
	return keys
}

// migrateInterrupted starts a migration and kills it (SIGKILL, as a lost
// shell or a deploy would) once it has reported progress.
func migrateInterrupted(t *testing.T, from, to string) {
	t.Helper()
	cmd := exec.Command(progressBin, "migrate", "--from", from, "--to", to)
	cmd.Env = os.Environ()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	reported := false
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "progress: courses=") {
			reported = true
			cmd.Process.Kill()
			break
		}
	}
	io.Copy(io.Discard, stderr)
	cmd.Wait()
	if !reported {
		t.Fatalf("migration finished or failed before it reported progress: %v", cmd.ProcessState)
	}
}

func migrate(t *testing.T, from, to string) {
	t.Helper()
	out, stderr, code := runCLI(t, "", nil, "migrate", "--from", from, "--to", to, "--verify")
	want := fmt.Sprintf("users=%d courses=%d", migrateUsers, migrateCourses)
	if code != 0 || !strings.Contains(out, "migrated "+want) || !strings.Contains(out, "verified "+want+" mismatches=0") {
		t.Fatalf("migrate %s -> %s: exit %d\nstdout: %s\nstderr: %s", from, to, code, out, stderr)
	}
}

// TestMigrateRoundTripAcrossStores moves a few thousand courses SQLite ->
// DynamoDB -> PostgreSQL -> SQLite with the real binary, killing the last
// hop part-way and running it again, and checks the API answers the same at
// both ends.
func TestMigrateRoundTripAcrossStores(t *testing.T) {
	dir := t.TempDir()
	first, last := filepath.Join(dir, "first.db"), filepath.Join(dir, "last.db")
	keys := seedSQLite(t, first)
	dynamo, pg := testenv.DynamoTable(t), testenv.PostgresDB(t)

	migrate(t, "sqlite://"+first, dynamo)
	// Both hops out of a server are killed mid-copy and resumed; DynamoDB
	// Local, unlike dynalite, survives a client killed mid-request.
	migrateInterrupted(t, dynamo, pg)
	migrate(t, dynamo, pg)
	migrateInterrupted(t, pg, "sqlite://"+last)
	migrate(t, pg, "sqlite://"+last)

	a, b := apiOver(t, first), apiOver(t, last)
	tok, err := auth.DevToken(devKey, "ops", true, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	get := func(srv *httptest.Server, path string) string {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set(api.RequestIDHeader, "round-trip") // error bodies quote it
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return fmt.Sprintf("%d %s", res.StatusCode, body)
	}
	for _, k := range keys {
		path := "/v1/users/" + k.UserID + "/courses/" + k.CourseID
		if x, y := get(a, path), get(b, path); x != y {
			t.Fatalf("%s differs after the round trip:\n%s\n%s", path, x, y)
		}
	}
	for u := range migrateUsers {
		path := fmt.Sprintf("/v1/users/learner-%03d/courses?limit=3", u)
		if x, y := get(a, path), get(b, path); x != y || !strings.HasPrefix(x, "200") {
			t.Fatalf("%s differs after the round trip:\n%s\n%s", path, x, y)
		}
	}
}

var devKey = []byte("0123456789abcdef0123456789abcdef")

func apiOver(t *testing.T, path string) *httptest.Server {
	t.Helper()
	s, err := sqlitestore.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	srv := httptest.NewServer(api.New(s, auth.NewDev(devKey), api.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil)))))
	t.Cleanup(srv.Close)
	return srv
}
