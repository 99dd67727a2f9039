package store

import (
	"context"
	"errors"
	"io/fs"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"rewind/backend/deployment"
	"rewind/migrations"
)

func migrationCount(t *testing.T, s *Store) int {
	t.Helper()
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestMigrationsApplyAndReapply(t *testing.T) {
	list, err := loadMigrations(migrations.FS)
	if err != nil || len(list) == 0 {
		t.Fatalf("embedded migrations: %d, %v", len(list), err)
	}
	ctx := context.Background()
	stores(t, func(t *testing.T, s *Store) {
		if got := migrationCount(t, s); got != len(list) {
			t.Fatalf("applied %d migrations, want %d", got, len(list))
		}
		if _, err := s.CreateDeployment(ctx, deployment.Deployment{Name: "a", Path: "/a"}); err != nil {
			t.Fatal(err)
		}
		if err := s.migrate(ctx); err != nil {
			t.Fatalf("reapply: %v", err)
		}
		if got := migrationCount(t, s); got != len(list) {
			t.Fatalf("after reapply %d rows, want %d", got, len(list))
		}
		if _, err := s.DeploymentByName(ctx, "a"); err != nil {
			t.Fatalf("reapply lost data: %v", err)
		}
		v, err := s.SchemaVersion(ctx)
		if err != nil || v != list[len(list)-1].version {
			t.Fatalf("schema version %d (%v), want %d", v, err, list[len(list)-1].version)
		}
	})
}

func TestReopenFileIsNoOp(t *testing.T) {
	list, err := loadMigrations(migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for i := 0; i < 2; i++ {
		s, err := Open(dir, "")
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		if got, want := migrationCount(t, s), len(list); got != want {
			t.Fatalf("open %d: %d migrations recorded, want %d", i, got, want)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBackupRecordsHasSeedColumns(t *testing.T) {
	s := newMemStore(t)
	rows, err := s.db.Query(`SELECT column_name, data_type, is_nullable, column_default
		FROM information_schema.columns WHERE table_name = 'backup_records' ORDER BY ordinal_position`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var name, typ, nullable string
		var def *string
		if err := rows.Scan(&name, &typ, &nullable, &def); err != nil {
			t.Fatal(err)
		}
		col := name + " " + typ
		if nullable == "NO" {
			col += " NOT NULL"
		}
		if def != nil {
			col += " DEFAULT " + *def
		}
		got = append(got, col)
	}
	want := []string{
		"id INTEGER NOT NULL DEFAULT nextval('backup_records_seq')",
		"backup_name VARCHAR NOT NULL",
		"backup_type VARCHAR NOT NULL",
		"source_version VARCHAR",
		"backup_path VARCHAR NOT NULL",
		"backup_size BIGINT",
		"file_count INTEGER",
		"compression_type VARCHAR DEFAULT 'gzip'",
		"backup_hash VARCHAR",
		"description VARCHAR",
		"backup_metadata JSON",
		"created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP",
		"expires_at TIMESTAMP",
		"deployment_id INTEGER",
		"status VARCHAR NOT NULL DEFAULT 'in_progress'",
		"verified_at TIMESTAMP",
		"error VARCHAR",
		"recorded_at TIMESTAMP", // 0002
		"origin VARCHAR",
		"warnings JSON", // 0003
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("backup_records columns:\n got %q\nwant %q", got, want)
	}
}

func TestStatusConstraints(t *testing.T) {
	s := newMemStore(t)
	tests := []struct {
		name, query string
	}{
		{"backup status", `INSERT INTO backup_records (backup_name, backup_type, backup_path, status)
			VALUES ('n', 'manual', '/x', 'done')`},
		{"upgrade status", `INSERT INTO upgrade_history (to_version, status, started_at)
			VALUES ('2', 'ok', now())`},
		{"operation state", `INSERT INTO operations (kind, state, started_at, updated_at)
			VALUES ('backup', 'paused', now(), now())`},
	}
	for _, tt := range tests {
		if _, err := s.db.Exec(tt.query); err == nil || !strings.Contains(err.Error(), "CHECK") {
			t.Errorf("%s: got %v, want a CHECK violation", tt.name, err)
		}
	}
}

func TestLoadMigrationsRejectsBadFiles(t *testing.T) {
	tests := []struct {
		name string
		fs   fstest.MapFS
	}{
		{"bad name", fstest.MapFS{"init.sql": {Data: []byte("SELECT 1")}}},
		{"duplicate version", fstest.MapFS{
			"0001_a.sql": {Data: []byte("SELECT 1")},
			"0001_b.sql": {Data: []byte("SELECT 1")},
		}},
	}
	for _, tt := range tests {
		if _, err := loadMigrations(tt.fs); err == nil {
			t.Errorf("%s: loaded without error", tt.name)
		}
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	s := newMemStore(t)
	if _, err := s.db.Exec(`INSERT INTO schema_migrations VALUES (99, 'future', now())`); err != nil {
		t.Fatal(err)
	}
	if err := s.migrate(context.Background()); !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("got %v, want ErrSchemaTooNew", err)
	}
}

func TestFailedMigrationRollsBack(t *testing.T) {
	s := newMemStore(t)
	fsys := fstest.MapFS{
		"0001_initial.sql":          {Data: []byte("SELECT 1")}, // already applied: skipped
		"0002_backup_recording.sql": {Data: []byte("SELECT 1")},
		"0003_backup_warnings.sql":  {Data: []byte("SELECT 1")},
		"0004_broken.sql":           {Data: []byte("CREATE TABLE half (x INTEGER); SELECT * FROM missing_table;")},
	}
	if err := s.migrateFS(context.Background(), fsys); err == nil {
		t.Fatal("broken migration applied")
	}
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM information_schema.tables WHERE table_name = 'half'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 || migrationCount(t, s) != 3 {
		t.Fatalf("half-applied migration left table count %d, %d rows", n, migrationCount(t, s))
	}
}

func TestMemoryLimitApplied(t *testing.T) {
	s := newMemStore(t)
	var limit string
	if err := s.db.QueryRow(`SELECT current_setting('memory_limit')`).Scan(&limit); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(limit, "MiB") && !strings.Contains(limit, "MB") {
		t.Fatalf("memory_limit %q, want the 256MB cap", limit)
	}
}

// A catalog from before 0002 keeps its records: each is recorded at its own
// creation time, with no origin.
func TestRecordingMigrationKeepsOldRecords(t *testing.T) {
	db, err := connect("")
	if err != nil {
		t.Fatal(err)
	}
	s := &Store{db: db}
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	first := fstest.MapFS{"0001_initial.sql": {Data: mustRead(t, "0001_initial.sql")}}
	if err := s.migrateFS(ctx, first); err != nil {
		t.Fatal(err)
	}
	created := time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := s.db.Exec(`INSERT INTO backup_records (backup_name, backup_type, backup_path, created_at, status)
		VALUES ('old.tar.gz', 'manual', '/b/old.tar.gz', ?, 'completed')`, created); err != nil {
		t.Fatal(err)
	}
	if err := s.migrate(ctx); err != nil {
		t.Fatal(err)
	}
	b, err := s.BackupByName(ctx, "old.tar.gz")
	if err != nil {
		t.Fatal(err)
	}
	if !b.RecordedAt.Equal(created) || b.Origin != "" || b.Status != StatusCompleted {
		t.Errorf("old record after 0002: recorded %v, origin %q, status %s", b.RecordedAt, b.Origin, b.Status)
	}
	id, err := s.InsertBackup(ctx, Backup{Name: "new.tar.gz", Type: "manual", Path: "/b/new.tar.gz", CreatedAt: created})
	if err != nil {
		t.Fatal(err)
	}
	nb, err := s.GetBackup(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if nb.Origin != OriginCreated || nb.RecordedAt.After(time.Now()) || !nb.CreatedAt.Equal(created) {
		t.Errorf("new record: origin %q, recorded %v, created %v; want created here, recorded now, its own creation time", nb.Origin, nb.RecordedAt, nb.CreatedAt)
	}
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := fs.ReadFile(migrations.FS, name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
