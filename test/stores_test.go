package test

import (
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/progresskit/progresskit/internal/testenv"
	"github.com/progresskit/progresskit/service/progress"
	"github.com/progresskit/progresskit/service/store"
	"github.com/progresskit/progresskit/service/store/dynamostore"
	"github.com/progresskit/progresskit/service/store/pgstore"
	"github.com/progresskit/progresskit/service/store/sqlitestore"
	"github.com/progresskit/progresskit/service/store/storetest"
	"github.com/progresskit/progresskit/service/store/storeurl"
)

func openURL(t *testing.T, u string) store.Store {
	t.Helper()
	s, err := storeurl.Open(context.Background(), u, storeurl.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSQLiteStoreContract(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		Open: func(t *testing.T) store.Store { return openURL(t, "sqlite://"+filepath.Join(t.TempDir(), "p.db")) },
		OpenUnreachable: func(t *testing.T) store.Store {
			s, err := sqlitestore.Open(context.Background(), filepath.Join(t.TempDir(), "p.db"))
			if err != nil {
				t.Fatal(err)
			}
			s.Close()
			return s
		},
	})
}

func TestPostgresStoreContract(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		Open: func(t *testing.T) store.Store { return openURL(t, testenv.PostgresDB(t)) },
		OpenUnreachable: func(t *testing.T) store.Store {
			s, err := pgstore.Open(context.Background(), "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", pgstore.Options{})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
	})
}

func TestDynamoDBStoreContract(t *testing.T) {
	storetest.Run(t, storetest.Harness{
		Open: func(t *testing.T) store.Store { return openURL(t, testenv.DynamoTable(t)) },
		OpenUnreachable: func(t *testing.T) store.Store {
			s, err := dynamostore.Open(context.Background(), dynamostore.Options{Table: "t", Endpoint: "http://127.0.0.1:1", Region: "us-east-1"})
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	})
}

// A missing table is an operator error that clients see as 503, and serve
// never creates it.
func TestDynamoDBMissingTableIsUnavailable(t *testing.T) {
	u := "dynamodb://" + testenv.UniqueName("absent-") + "?region=us-east-1&endpoint=" + testenv.DynamoEndpoint(t)
	s := openURL(t, u)
	if err := s.Ping(context.Background()); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("Ping of a missing table: %v", err)
	}
	if _, err := s.Get(context.Background(), store.Key{UserID: "u", CourseID: "c"}); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("Get on a missing table: %v", err)
	}
}

// Migrations take an advisory lock: eight instances starting at once on an
// empty database all succeed and the schema is applied once.
func TestPostgresMigrationsRunConcurrently(t *testing.T) {
	u := testenv.PostgresDB(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := pgstore.Open(context.Background(), u, pgstore.Options{Migrate: true, MaxConns: 2})
			if err == nil {
				s.Close()
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent migration: %v", err)
		}
	}
	conn, err := pgx.Connect(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var version int
	var dirty bool
	if err := conn.QueryRow(context.Background(), "SELECT version, dirty FROM "+pgstore.MigrationsTable).Scan(&version, &dirty); err != nil {
		t.Fatal(err)
	}
	want, err := pgstore.SchemaVersion()
	if err != nil || want < 2 {
		t.Fatalf("embedded schema version %d: %v", want, err)
	}
	if uint(version) != want || dirty {
		t.Fatalf("schema version %d dirty=%v, want %d", version, dirty, want)
	}
}

// A dropped connection answers ErrUnavailable, and the pool recovers by
// itself once the server accepts connections again.
func TestPostgresDroppedConnectionRecovers(t *testing.T) {
	u := testenv.PostgresDB(t)
	s, err := pgstore.Open(context.Background(), u, pgstore.Options{Migrate: true, MaxConns: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	k := store.Key{UserID: "u", CourseID: "c"}
	p := 1.0
	write := func(id string) error {
		_, err := s.Record(context.Background(), k, []progress.Event{{ID: id, LessonID: id, Type: progress.TypeProgress, Position: &p, OccurredAt: time.Now(), Device: "web"}}, store.ReturnNothing)
		return err
	}
	if err := write("before"); err != nil {
		t.Fatal(err)
	}
	admin, err := pgx.Connect(context.Background(), testenv.PostgresAdminURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	var dbName string
	conn, _ := pgx.ParseConfig(u)
	dbName = conn.Database
	var killed int
	if err := admin.QueryRow(context.Background(),
		"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", dbName).Scan(&killed); err != nil {
		t.Fatal(err)
	}
	if killed == 0 {
		t.Fatal("no pooled connection to drop")
	}
	// The first call on the dead connection may fail, and then only as
	// ErrUnavailable; the pool replaces the connection.
	if err := write("during"); err != nil && !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("write on a dropped connection: %v, want ErrUnavailable", err)
	}
	if err := write("after"); err != nil {
		t.Fatalf("pool did not recover: %v", err)
	}
	c, err := s.Get(context.Background(), k)
	if err != nil || c.Lessons["before"] == nil || c.Lessons["after"] == nil {
		t.Fatalf("acknowledged writes lost: %v", err)
	}
}

// postgres-iam:// signs each connection's password with the process's AWS
// credentials, as a function does through RDS Proxy. The test server
// trusts loopback connections, so the token is sent and ignored: what is
// tested is that the store signs one without any network and then works.
func TestPostgresIAMAuthStore(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "example-secret")
	u, err := url.Parse(testenv.PostgresDB(t))
	if err != nil {
		t.Fatal(err)
	}
	u.Scheme = pgstore.IAMScheme
	q := u.Query()
	q.Set("region", "eu-west-2")
	u.RawQuery = q.Encode()
	s := openURL(t, u.String())
	k := store.Key{UserID: "u", CourseID: "c"}
	p := 1.0
	if _, err := s.Record(context.Background(), k, []progress.Event{{ID: "e", LessonID: "l", Type: progress.TypeProgress, Position: &p, OccurredAt: time.Now(), Device: "web"}}, store.ReturnNothing); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(context.Background(), k); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"postgres-iam://u:secret@h/db?region=r", "postgres-iam://h/db?region=r"} {
		if _, err := storeurl.Open(context.Background(), bad, storeurl.Options{}); err == nil {
			t.Errorf("%s opened", bad)
		}
	}
}
