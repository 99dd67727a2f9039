package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"rewind/backend/deployment"
	"strings"
	"testing"
)

// damagedCatalog makes a catalog with a deployment and a backup of many
// entries, closes it, and cuts its file to cut(size) bytes.
func damagedCatalog(t *testing.T, cut func(int64) int64) (dir string, want deployment.Deployment) {
	t.Helper()
	dir = t.TempDir()
	s, err := Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := s.CreateDeployment(ctx, deployment.Deployment{Name: "gone", Path: "/srv/gone"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`DELETE FROM deployments WHERE name = 'gone'`); err != nil {
		t.Fatal(err)
	}
	// The deployment's ID is 2: a new catalog would give it 1.
	id, err := s.CreateDeployment(ctx, deployment.Deployment{Name: "shop", Path: "/srv/shop", DataPaths: []string{"data", "db"},
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
	if err := s.SetConfig(ctx, "retention.2", map[string]int{"keepLast": 3}); err != nil {
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
			s, err := Open(dir, "")
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
			got.LastUsedAt, want.LastUsedAt = got.CreatedAt, want.CreatedAt
			if !reflect.DeepEqual(got, want) {
				t.Errorf("restored deployment %+v, want %+v", got, want)
			}
			var policy map[string]int
			if found, err := s.GetConfig(ctx, "retention.2", &policy); err != nil || !found || policy["keepLast"] != 3 {
				t.Errorf("the setting keyed by the deployment's ID: %v found=%v (%v)", policy, found, err)
			}
			if next, err := s.CreateDeployment(ctx, deployment.Deployment{Name: "next", Path: "/srv/next"}); err != nil || next <= want.ID {
				t.Errorf("a new deployment after the restore got ID %d (%v), want one above %d", next, err, want.ID)
			}
			if pending, _, err := s.PendingRebuild(ctx); err != nil || !pending {
				t.Fatalf("PendingRebuild: %v %v, want true", pending, err)
			}
			if err := s.RebuildDone(ctx); err != nil {
				t.Fatal(err)
			}
			s.Close()
			s, err = Open(dir, "")
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
	if _, err := Open(dir, ""); !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("Open: %v, want ErrSchemaTooNew", err)
	}
	if aside, _ := filepath.Glob(filepath.Join(dir, DBFileName+".*-*")); len(aside) != 0 {
		t.Fatalf("set aside %v", aside)
	}
}

func TestSettingsFileFollowsTheCatalog(t *testing.T) {
	s, dir := newFileStore(t)
	ctx := context.Background()
	id, err := s.CreateDeployment(ctx, deployment.Deployment{Name: "shop", Path: "/srv/shop", StorageDir: "/a"})
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
	s, err = Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if again, err := os.ReadFile(filepath.Join(dir, SettingsFileName)); err != nil || string(again) != string(data) {
		t.Fatalf("settings file written at Open: %s (%v), want %s", again, err, data)
	}
}

// TestInterruptedRestoreRunsAgain: a missing catalog is made anew from the
// settings file; a process that died after marking the new catalog for a
// rebuild but before reading the settings file in leaves the file
// untouched, and the next Open reads it in.
func TestInterruptedRestoreRunsAgain(t *testing.T) {
	dir, want := damagedCatalog(t, func(int64) int64 { return 0 })
	saved, err := os.ReadFile(filepath.Join(dir, SettingsFileName))
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, DBFileName))
	s, err := Open(dir, "") // a missing catalog: made anew, with "shop" from the settings file
	if err != nil {
		t.Fatal(err)
	}
	if w := s.Warnings(); len(w) != 2 || !strings.Contains(w[0], "missing") {
		t.Fatalf("warnings %q, want the missing catalog and the settings restored", w)
	}
	ctx := context.Background()
	// As restoreSettings leaves it when killed right after its first step.
	if err := s.setConfig(ctx, rebuildKey, pendingRebuild{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.db.Exec(`DELETE FROM deployments`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if d, err := s.DeploymentByName(ctx, "shop"); err != nil || d.ID != want.ID || d.StorageDir != want.StorageDir {
		t.Fatalf("after the second Open: %+v (%v), want %+v", d, err, want)
	}
	if again, _ := os.ReadFile(filepath.Join(dir, SettingsFileName)); string(again) != string(saved) {
		t.Errorf("the settings file changed before the rebuild was done:\n%s\nwant\n%s", again, saved)
	}
}

// TestSettingsThatCannotBeRestoredAreNotReportedRestored: a deployment of
// the settings file that the new catalog refuses (here a second one with
// the same name) fails the restore, naming it, instead of being dropped
// while the message counts it as restored.
func TestSettingsThatCannotBeRestoredAreNotReportedRestored(t *testing.T) {
	dir := t.TempDir()
	doc := `{"deployments": [
		{"id": 1, "name": "shop", "path": "/srv/shop", "storageDir": "/a"},
		{"id": 2, "name": "shop", "path": "/srv/other", "storageDir": "/b"}]}`
	if err := os.WriteFile(filepath.Join(dir, SettingsFileName), []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir, "") // no catalog file: made anew from the settings file
	if err == nil {
		s.Close()
		t.Fatalf("Open restored the settings (%v), want the refused deployment named", s.Warnings())
	}
	if !strings.Contains(err.Error(), `restore deployment "shop"`) {
		t.Errorf("err = %v, want it to name the deployment that could not be restored", err)
	}
}
