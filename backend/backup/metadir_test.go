package backup_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"rewind/backend/archive"
	"rewind/backend/backup"
	"rewind/backend/metadir"
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
	if !errors.Is(err, metadir.ErrLinkedPath) {
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
