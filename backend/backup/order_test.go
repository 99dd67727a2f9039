package backup_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rewind/backend/backup"
	"rewind/backend/store"
)

// Deleting the newest pre-upgrade backup Rewind recorded warns, even when an
// archive imported earlier claims a later creation time: "newest" is the
// catalog's recording order, as for retention.
func TestDeleteWarnsForNewestRecordedPreUpgradeDespiteFutureDatedImport(t *testing.T) {
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
	path := func(name string) string {
		p := filepath.Join(dep.StorageDir, name)
		if err := os.WriteFile(p, []byte(name), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// First an import dated in the future, then a pre-upgrade backup made here.
	if _, err := st.InsertCompletedBackup(ctx, store.Backup{DeploymentID: dep.ID, Name: "future.tar.gz", Type: backup.TypePreUpgrade,
		Version: "1", Path: path("future.tar.gz"), CreatedAt: time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)}, nil); err != nil {
		t.Fatal(err)
	}
	made, err := st.InsertBackup(ctx, store.Backup{DeploymentID: dep.ID, Name: "made.tar.gz", Type: backup.TypePreUpgrade,
		Version: "1", Path: path("made.tar.gz"), CreatedAt: time.Now().UTC()})
	if err == nil {
		err = st.CompleteBackup(ctx, made, 1, 0, "", nil, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	m := backup.New(st, t.TempDir(), nil)
	res, err := m.Delete(ctx, dep, made)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "newest pre-upgrade backup") {
		t.Errorf("warnings %q, want the newest pre-upgrade backup warning for #%d", res.Warnings, made)
	}
}
