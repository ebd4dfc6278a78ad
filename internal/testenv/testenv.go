package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/progresskit/progresskit/service/store/dynamostore"
)

// Environment variables set by test/with-servers.sh.
const (
	EnvPostgresURL    = "PROGRESS_TEST_POSTGRES_URL"
	EnvDynamoEndpoint = "PROGRESS_TEST_DYNAMODB_ENDPOINT"
)

func require(t testing.TB, env string) string {
	t.Helper()
	v := os.Getenv(env)
	if v != "" {
		return v
	}
	if os.Getenv("SHORT") == "1" {
		t.Skipf("SHORT=1: skipping, %s is not set", env)
	}
	t.Fatalf("%s is not set: run the tests through 'make test' (test/with-servers.sh starts PostgreSQL and DynamoDB Local), or set SHORT=1 for a quick local loop", env)
	return ""
}

// UniqueName returns prefix plus random hex, for databases and tables.
func UniqueName(prefix string) string {
	b := make([]byte, 6)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// PostgresDB creates an empty database on the test server and returns its
// URL; the database is dropped when the test ends.
func PostgresDB(t testing.TB) string {
	t.Helper()
	admin := require(t, EnvPostgresURL)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("connect to the test PostgreSQL server at %s: %v", admin, err)
	}
	defer conn.Close(ctx)
	name := UniqueName("progress_")
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if c, err := pgx.Connect(ctx, admin); err == nil {
			c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(ctx)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// PostgresAdminURL is the test server's maintenance database.
func PostgresAdminURL(t testing.TB) string { return require(t, EnvPostgresURL) }

// DynamoEndpoint is the local DynamoDB-compatible server's URL.
func DynamoEndpoint(t testing.TB) string { return require(t, EnvDynamoEndpoint) }

// DynamoTable creates a table with the production schema on the local
// server and returns its store URL.
func DynamoTable(t testing.TB) string {
	t.Helper()
	endpoint := DynamoEndpoint(t)
	table := UniqueName("progress-")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := dynamostore.Open(ctx, dynamostore.Options{Table: table, Endpoint: endpoint, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Init(ctx); err != nil {
		t.Fatalf("create table on the local DynamoDB server %s: %v", endpoint, err)
	}
	return "dynamodb://" + table + "?region=us-east-1&endpoint=" + url.QueryEscape(endpoint)
}
