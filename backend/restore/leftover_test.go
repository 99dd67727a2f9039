package restore

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"rewind/backend/archive"
)

// chattr sets or clears the immutable flag (root on ext4 or similar).
func chattr(t *testing.T, flag, path string) {
	t.Helper()
	if out, err := exec.Command("chattr", flag, path).CombinedOutput(); err != nil {
		t.Skipf("chattr %s: %v %s", flag, err, out)
	}
}

// newImmutableFixture is a fixture whose data/db.json is immutable, so that
// the tree a restore replaces cannot be removed; it returns the
// deployment's .rewind, whose flags are cleared again at the end.
func newImmutableFixture(t *testing.T) (*fixture, string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root for chattr")
	}
	f := newFixture(t)
	chattr(t, "+i", filepath.Join(f.dep.Path, "data", "db.json"))
	meta := filepath.Join(f.dep.Path, archive.MetaDir)
	t.Cleanup(func() { exec.Command("chattr", "-R", "-i", meta).Run() })
	return f, meta
}

// When the replaced tree cannot be removed after a restore (an immutable
// file in it), the restore says where it was left; the next start removes it
// once it can, and says so. Nothing else under .rewind is touched.
func TestLeftoverReplacedTreeIsReportedAndSwept(t *testing.T) {
	f, meta := newImmutableFixture(t)
	ctx := context.Background()
	// Not a finished restore's replaced tree: never removed.
	stranger := filepath.Join(meta, "restore-999")
	kept := filepath.Join(meta, "replaced-7")
	for _, d := range []string{stranger, kept} {
		write(t, d, "x", "not Rewind's to remove")
	}

	res, err := f.r.Run(ctx, f.dep, f.backupID, Options{Mode: Full, Confirmed: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if f.read(t, "data/db.json") != `{"rows":1}` {
		t.Fatalf("data/db.json was not restored")
	}
	if res.SafetyCopy == nil {
		t.Fatal("no safety copy")
	}
	var work string
	if ents, _ := filepath.Glob(filepath.Join(meta, "restore-*")); len(ents) == 2 {
		work = slices.DeleteFunc(ents, func(p string) bool { return p == stranger })[0]
	} else {
		t.Fatalf("after the restore .rewind holds %v; want the leftover beside restore-999", ents)
	}
	warned := false
	for _, w := range res.Warnings {
		if strings.Contains(w, work) && strings.Contains(w, "could not be removed") && strings.Contains(w, "next start") {
			warned = true
		}
	}
	if !warned {
		t.Errorf("warnings %q: want one naming %s, saying it could not be removed and is retried at the next start", res.Warnings, work)
	}
	if _, err := os.Stat(work); err != nil {
		t.Fatalf("the leftover tree: %v", err)
	}

	// Still immutable: recovery says it cannot remove it yet.
	_, err = f.recover(ctx)
	if err == nil || !strings.Contains(err.Error(), work) {
		t.Errorf("recover with the file still immutable: got %v, want an error naming %s", err, work)
	}
	chattr(t, "-i", filepath.Join(work, "stage", "data", "db.json"))
	lines, err := f.recover(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(lines, func(l string) bool { return strings.Contains(l, "removed") && strings.Contains(l, work) }) {
		t.Errorf("recovery lines %q: want one saying it removed %s", lines, work)
	}
	if _, err := os.Stat(work); !os.IsNotExist(err) {
		t.Errorf("the leftover tree is still there after recovery: %v", err)
	}
	for _, d := range []string{stranger, kept} {
		if _, err := os.Stat(filepath.Join(d, "x")); err != nil {
			t.Errorf("recovery removed %s, which is no finished restore's replaced tree: %v", d, err)
		}
	}
	if f.hash(t) != f.hArchive {
		t.Error("the restored tree changed")
	}
}

// When the safety copy cannot be made (here the storage directory is
// immutable), the replaced files are kept as a directory the admin is told
// about; only the rest of the work directory goes, now or at the next start.
func TestReplacedTreeKeptWhenSafetyCopyFails(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root for chattr")
	}
	f := newFixture(t)
	ctx := context.Background()
	chattr(t, "+i", f.dep.StorageDir)
	t.Cleanup(func() { exec.Command("chattr", "-i", f.dep.StorageDir).Run() })
	res, err := f.r.Run(ctx, f.dep, f.backupID, Options{Mode: Full, Confirmed: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.SafetyCopy != nil || res.OldTree == "" {
		t.Fatalf("safety copy %+v, old tree %q: want no copy and the tree kept", res.SafetyCopy, res.OldTree)
	}
	if b, err := os.ReadFile(filepath.Join(res.OldTree, "app", "main.conf")); err != nil || string(b) != "v2 config, longer\n" {
		t.Errorf("the kept tree's app/main.conf: %q %v", b, err)
	}
	if !slices.ContainsFunc(res.Warnings, func(w string) bool { return strings.Contains(w, "they are kept in "+res.OldTree) }) {
		t.Errorf("warnings %q: want one naming %s", res.Warnings, res.OldTree)
	}
	if _, err := f.recover(ctx); err != nil {
		t.Fatal(err)
	}
	if left := f.workLeft(t); !slices.Equal(left, []string{filepath.Base(res.OldTree)}) {
		t.Errorf(".rewind holds %v, want only %s", left, filepath.Base(res.OldTree))
	}
}
