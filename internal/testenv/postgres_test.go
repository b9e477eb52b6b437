package testenv_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/jihat/jihat/internal/testenv"
)

// widget is a table for the tests to create.
type widget struct {
	ID   uint
	Name string
}

func openGorm(t *testing.T, dsn string) *gorm.DB {
	t.Helper()
	db, err := gorm.Open(postgres.Open(dsn), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatalf("gorm.Open: %v", err)
	}
	t.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			sqlDB.Close()
		}
	})
	return db
}

func schemaOf(t *testing.T, dsn string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parse %q: %v", dsn, err)
	}
	return u.Query().Get("search_path")
}

func TestPostgres(t *testing.T) {
	parent := testenv.Postgres(t) // skips here without a server

	var dropped string
	t.Run("own schema", func(t *testing.T) {
		dsn, other := testenv.Postgres(t), testenv.Postgres(t)
		schema := schemaOf(t, dsn)
		if schema == "" || schema == schemaOf(t, other) || schema == schemaOf(t, parent) {
			t.Fatalf("schemas not distinct: %q, %q, %q", dsn, other, parent)
		}
		dropped = schema

		db := openGorm(t, dsn)
		if err := db.AutoMigrate(&widget{}); err != nil {
			t.Fatalf("AutoMigrate: %v", err)
		}
		if err := db.Create(&widget{Name: "جهات"}).Error; err != nil {
			t.Fatalf("Create: %v", err)
		}

		var current string
		if err := db.Raw("SELECT current_schema()").Scan(&current).Error; err != nil || current != schema {
			t.Fatalf("current_schema() = %q, %v; want %q", current, err, schema)
		}
		var where []string
		err := db.Raw("SELECT table_schema FROM information_schema.tables WHERE table_name = 'widgets' AND table_schema IN (?, ?, 'public')",
			schema, schemaOf(t, other)).Scan(&where).Error
		if err != nil || len(where) != 1 || where[0] != schema {
			t.Fatalf("widgets table in schemas %v (%v), want only %q", where, err, schema)
		}
		var got widget
		if err := db.First(&got).Error; err != nil || got.Name != "جهات" {
			t.Fatalf("First = %+v, %v", got, err)
		}

		if openGorm(t, other).Migrator().HasTable(&widget{}) {
			t.Errorf("the other test's schema sees this test's table")
		}
	})

	if dropped == "" {
		return // the subtest failed, or skipped
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, parent)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM information_schema.schemata WHERE schema_name = $1", dropped).Scan(&n); err != nil {
		t.Fatalf("query: %v", err)
	}
	if n != 0 {
		t.Errorf("schema %s still exists after its test ended", dropped)
	}
}
