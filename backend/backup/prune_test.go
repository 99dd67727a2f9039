package backup_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"rewind/backend/backup"
	"rewind/backend/store"
)

// A point's age is counted from when it was taken, or from when this catalog
// recorded it if that is earlier: an archive dated in the future used to
// count as younger than any --keep-days forever.
func TestKeepDaysAgesAFutureDatedImportFromItsRecording(t *testing.T) {
	ctx := context.Background()
	st, err := store.OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	root := t.TempDir()
	dep := store.Deployment{Name: "shop", Path: filepath.Join(root, "shop"), StorageDir: filepath.Join(root, "backups"),
		ComposeProject: "shop", VersionKey: "APP_VERSION"}
	for _, d := range []string{dep.Path, dep.StorageDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if dep.ID, err = st.CreateDeployment(ctx, dep); err != nil {
		t.Fatal(err)
	}
	record := func(name string, created time.Time, adopted bool) int64 {
		t.Helper()
		path := filepath.Join(dep.StorageDir, name)
		if err := os.WriteFile(path, []byte(name), 0o600); err != nil {
			t.Fatal(err)
		}
		b := store.Backup{DeploymentID: dep.ID, Name: name, Type: backup.TypeManual, Path: path, CreatedAt: created}
		if adopted {
			id, err := st.InsertCompletedBackup(ctx, b, nil)
			if err != nil {
				t.Fatal(err)
			}
			return id
		}
		id, err := st.InsertBackup(ctx, b)
		if err == nil {
			err = st.CompleteBackup(ctx, id, 1, 0, "", nil, nil)
		}
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	now := time.Now().UTC()
	made := record("made.tar.gz", now, false)
	future := record("future.tar.gz", time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC), true)
	m := backup.New(st, t.TempDir(), nil)
	m.Now = func() time.Time { return now.AddDate(0, 0, 60) } // two months on
	res, err := m.Prune(ctx, dep, backup.Policy{KeepDays: 30}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Removed) != 1 || res.Removed[0].ID != future {
		t.Errorf("removed %v, want only the import (#%d), recorded 60 days ago", res.Removed, future)
	}
	if len(res.Kept) != 1 || res.Kept[0].ID != made {
		t.Errorf("kept %v, want the newest backup Rewind made (#%d)", res.Kept, made)
	}
}
