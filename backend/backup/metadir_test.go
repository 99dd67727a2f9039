package backup_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rewind/backend/archive"
	"rewind/backend/backup"
	"rewind/backend/deployment"
	"rewind/backend/journal"
	"rewind/backend/store"
	"rewind/backend/view"
)

// A project whose .rewind is a symbolic link is refused before anything is
// written: the lock and the name probe used to create files at the target.
func TestCreateRefusesALinkedRewindDirectory(t *testing.T) {
	ctx := context.Background()
	m, dep := newProject(t, nil)
	elsewhere := t.TempDir()
	meta := filepath.Join(dep.Path, archive.MetaDir)
	os.RemoveAll(meta)
	if err := os.Symlink(elsewhere, meta); err != nil {
		t.Fatal(err)
	}
	_, err := m.Create(ctx, dep, backup.CreateRequest{}, nil)
	if !errors.Is(err, journal.ErrLinkedPath) {
		t.Fatalf("err = %v, want ErrLinkedPath", err)
	}
	if code := view.FromError(err).Code; code != "rewind_dir_link" {
		t.Errorf("code %q, want rewind_dir_link", code)
	}
	if ents, _ := os.ReadDir(elsewhere); len(ents) != 0 {
		t.Errorf("the link's target holds %v, want nothing", ents)
	}
	if recs, _ := m.List(ctx, dep); len(recs) != 0 {
		t.Errorf("records %+v, want none", recs)
	}
}

// A deployment whose project directory is gone is refused with the
// project-missing error, and the lock does not recreate the directory.
func TestLockRefusesAMissingProject(t *testing.T) {
	dep := store.Deployment{Name: "shop", Path: filepath.Join(t.TempDir(), "gone")}
	l, err := backup.LockDeployment(dep, "backup create")
	l.Release()
	if !errors.Is(err, deployment.ErrNoProject) {
		t.Errorf("err = %v, want ErrNoProject", err)
	}
	if err != nil && !strings.Contains(err.Error(), "put it back (or mount its disk)") {
		t.Errorf("err = %v, want it to say what to do", err)
	}
	if _, serr := os.Lstat(dep.Path); serr == nil {
		t.Error("the project directory was created")
	}
}
