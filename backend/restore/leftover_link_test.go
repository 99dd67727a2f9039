package restore

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// The sweep of leftover work directories never goes through a .rewind that
// has become a symbolic link since: it would remove files at the target.
func TestSweepDoesNotFollowALinkedRewindDirectory(t *testing.T) {
	f, meta := newImmutableFixture(t)
	ctx := context.Background()
	if _, err := f.r.Run(ctx, f.dep, f.backupID, Options{Mode: Full, Confirmed: true}, nil); err != nil {
		t.Fatal(err)
	}
	ents, _ := filepath.Glob(filepath.Join(meta, "restore-*"))
	if len(ents) != 1 {
		t.Fatalf("after the restore .rewind holds %v; want one leftover", ents)
	}
	name := filepath.Base(ents[0])
	// .rewind moves away and a link to another directory holding a
	// directory of the same name takes its place.
	exec.Command("chattr", "-R", "-i", meta).Run()
	moved := filepath.Join(t.TempDir(), "moved")
	if err := os.Rename(meta, moved); err != nil {
		t.Fatal(err)
	}
	elsewhere := t.TempDir()
	write(t, filepath.Join(elsewhere, name), "precious", "not Rewind's")
	if err := os.Symlink(elsewhere, meta); err != nil {
		t.Fatal(err)
	}
	f.recover(ctx)
	if _, err := os.Stat(filepath.Join(elsewhere, name, "precious")); err != nil {
		t.Errorf("the sweep removed a file behind the link: %v", err)
	}
}
