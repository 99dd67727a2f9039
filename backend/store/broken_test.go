package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// damagedCatalog makes a catalog with a deployment and a backup of many
// entries, closes it, and cuts its file to cut(size) bytes.
func damagedCatalog(t *testing.T, cut func(int64) int64) (dir string, want Deployment) {
	t.Helper()
	dir = t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	id, err := s.CreateDeployment(ctx, Deployment{Name: "shop", Path: "/srv/shop", DataPaths: []string{"data", "db"},
		Excludes: []string{"data/cache"}, VersionKey: "SHOP_VERSION", StorageDir: "/mnt/archives/shop", ComposeProject: "shop"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.InsertBackup(ctx, Backup{DeploymentID: id, Name: "backup_manual_v1_x.tar.gz", Type: "manual",
		Version: "1", Path: "/mnt/archives/shop/backup_manual_v1_x.tar.gz"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.CompleteBackup(ctx, b, 4096, 20000, strings.Repeat("ab", 32), []byte(`{}`), sampleEntries(20000)); err != nil {
		t.Fatal(err)
	}
	if want, err = s.DeploymentByID(ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, DBFileName)
	fi, err := os.Stat(db)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(db, cut(fi.Size())); err != nil {
		t.Fatal(err)
	}
	return dir, want
}

func TestDamagedCatalogIsSetAsideAndRecreated(t *testing.T) {
	for name, cut := range map[string]func(int64) int64{
		"zero bytes":  func(int64) int64 { return 0 },
		"cut in half": func(n int64) int64 { return n / 2 },
	} {
		t.Run(name, func(t *testing.T) {
			dir, want := damagedCatalog(t, cut)
			s, err := Open(dir)
			if err != nil {
				t.Fatalf("Open of a damaged catalog: %v", err)
			}
			defer s.Close()
			w := s.Warnings()
			if len(w) != 2 || !strings.Contains(w[0], "could not be read") || !strings.Contains(w[0], DBFileName+".broken-") {
				t.Fatalf("warnings %q: want the damage and the name it was kept as", w)
			}
			aside, _ := filepath.Glob(filepath.Join(dir, DBFileName+".broken-*"))
			if len(aside) != 1 {
				t.Fatalf("kept %v, want one file", aside)
			}
			ctx := context.Background()
			got, err := s.DeploymentByName(ctx, "shop")
			if err != nil {
				t.Fatal(err)
			}
			got.ID, got.LastUsedAt, want.ID, want.LastUsedAt = 0, got.CreatedAt, 0, want.CreatedAt
			if !reflect.DeepEqual(got, want) {
				t.Errorf("restored deployment %+v, want %+v", got, want)
			}
			if pending, _, err := s.PendingRebuild(ctx); err != nil || !pending {
				t.Fatalf("PendingRebuild: %v %v, want true", pending, err)
			}
			if err := s.RebuildDone(ctx); err != nil {
				t.Fatal(err)
			}
			s.Close()
			s, err = Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if pending, _, err := s.PendingRebuild(ctx); err != nil || pending || len(s.Warnings()) != 0 {
				t.Fatalf("second Open: pending %v (%v), warnings %q; want a quiet, settled catalog", pending, err, s.Warnings())
			}
		})
	}
}

// TestRefusedCatalogIsNotSetAside: a catalog DuckDB opens but Rewind must not
// use (made by a newer build) is not damage: it stays where it is.
func TestRefusedCatalogIsNotSetAside(t *testing.T) {
	s, dir := newFileStore(t)
	if _, err := s.db.Exec(`INSERT INTO schema_migrations VALUES (9999, 'future', now())`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(dir); !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("Open: %v, want ErrSchemaTooNew", err)
	}
	if aside, _ := filepath.Glob(filepath.Join(dir, DBFileName+".*-*")); len(aside) != 0 {
		t.Fatalf("set aside %v", aside)
	}
}

func TestSettingsFileFollowsTheCatalog(t *testing.T) {
	s, dir := newFileStore(t)
	ctx := context.Background()
	id, err := s.CreateDeployment(ctx, Deployment{Name: "shop", Path: "/srv/shop", StorageDir: "/a"})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := s.DeploymentByID(ctx, id)
	d.StorageDir = "/b"
	if err := s.UpdateDeployment(ctx, d); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, SettingsFileName))
	if err != nil || !strings.Contains(string(data), `"storageDir": "/b"`) {
		t.Fatalf("settings file after an update: %s (%v)", data, err)
	}
	// A catalog made before the settings file existed gets one at Open.
	s.Close()
	os.Remove(filepath.Join(dir, SettingsFileName))
	s, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if again, err := os.ReadFile(filepath.Join(dir, SettingsFileName)); err != nil || string(again) != string(data) {
		t.Fatalf("settings file written at Open: %s (%v), want %s", again, err, data)
	}
}
