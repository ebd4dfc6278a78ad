package pgstore

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"

	"github.com/golang-migrate/migrate/v4"
	pgxmigrate "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	"github.com/golang-migrate/migrate/v4/source/iofs"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// MigrationsTable records the applied schema version.
const MigrationsTable = "progress_schema_migrations"

// Migrate brings the schema up to the newest embedded version. golang-migrate
// holds a PostgreSQL advisory lock while it works, so concurrent starts
// apply each migration once.
func Migrate(ctx context.Context, pool *pgxpool.Pool) error {
	return migrateDB(stdlib.OpenDBFromPool(pool))
}

func migrateDB(db *sql.DB) error {
	src, err := iofs.New(migrationFiles, "migrations")
	if err != nil {
		return err
	}
	drv, err := pgxmigrate.WithInstance(db, &pgxmigrate.Config{MigrationsTable: MigrationsTable})
	if err != nil {
		db.Close()
		return fmt.Errorf("postgres migrations: %w", mapErr(err))
	}
	m, err := migrate.NewWithInstance("iofs", src, "postgres", drv)
	if err != nil {
		drv.Close()
		return fmt.Errorf("postgres migrations: %w", err)
	}
	// Close releases the connection the driver holds for its lock; the
	// pool cannot close while it is out.
	defer m.Close()
	if err := m.Up(); err != nil && !errors.Is(err, migrate.ErrNoChange) {
		return fmt.Errorf("postgres migrations: %w", mapErr(err))
	}
	return nil
}

// SchemaVersion is the newest embedded migration's version, the one
// Migrate brings a database to.
func SchemaVersion() (uint, error) {
	src, err := iofs.New(migrationFiles, "migrations")
	if err != nil {
		return 0, err
	}
	defer src.Close()
	v, err := src.First()
	for err == nil {
		next, nerr := src.Next(v)
		if nerr != nil {
			if errors.Is(nerr, fs.ErrNotExist) {
				return v, nil
			}
			return 0, nerr
		}
		v = next
	}
	return 0, err
}
