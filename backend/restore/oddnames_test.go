package restore

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"rewind/backend/op"
	"rewind/backend/store/storetest"
	"slices"
	"testing"

	"rewind/backend/archive"
	"rewind/backend/archive/archivetest"
	"rewind/backend/backup"
	"rewind/backend/deployment"
)

// Names that are legal on ext4 and common in upload directories: names that
// differ only by case or Unicode normalisation, a newline, a terminal
// escape, bytes that are not UTF-8 (a Latin-1 upload), a Windows path that a
// browser sent as the file name.
var oddNames = []string{
	"uploads/Photo.jpg", "uploads/photo.jpg",
	"uploads/caf\u00e9.txt", "uploads/cafe\u0301.txt",
	"uploads/two\nlines.txt", "uploads/\x1b[31mred.txt",
	"uploads/r\xe9sum\xe9.pdf", "uploads/C:\\fakepath\\scan.png",
	"uploads/dir\xff/inner.txt",
	"top-level r\xe9sum\xe9.pdf", "Top\nlevel/file",
}

// A tree with odd names is backed up, restored byte-exactly (names compared
// with an Lstat walk and the tree hash), and GNU tar restores the archive
// exactly too.
func TestOddNamesBackupAndRestore(t *testing.T) {
	root := filepath.Join(t.TempDir(), "shop")
	write(t, root, "docker-compose.yml", "services:\n  web:\n    image: rewind-svc:${APP_VERSION}\n")
	write(t, root, ".env", "APP_VERSION=1\n")
	for i, n := range oddNames {
		write(t, root, n, "content "+string(rune('a'+i)))
	}
	if err := os.Symlink("two\nlines.txt\xff", filepath.Join(root, "uploads", "link\xfe")); err != nil {
		t.Fatal(err)
	}
	st := storetest.Open(t)
	ctx := context.Background()
	state := t.TempDir()
	dep, err := deployment.Init(ctx, st, state, deployment.InitOptions{Path: root})
	if err != nil {
		t.Fatal(err)
	}
	eng := &fakeEngine{running: true}
	connect := func(context.Context) (backup.Engine, error) { return eng, nil }
	bm := backup.New(op.New(st), connect)
	res, err := bm.Create(ctx, dep, backup.CreateRequest{}, nil)
	if err != nil {
		t.Fatalf("backup of a tree with odd names: %v", err)
	}
	hArchive, names := oddTree(t, root)

	// Change every odd file, remove one, then restore.
	for _, n := range append(oddNames[:4:4], oddNames[9:]...) {
		write(t, root, n, "changed after the backup")
	}
	os.Remove(filepath.Join(root, filepath.FromSlash(oddNames[6])))
	hChanged, _ := oddTree(t, root)
	r := New(bm.Kernel, bm, connect)
	rres, err := r.Run(ctx, dep, res.Record.ID, Options{Mode: Full, Confirmed: true}, nil)
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	defer func() { // the pre-restore copy brings the changed tree back exactly
		if _, err := r.Run(ctx, dep, rres.SafetyCopy.ID, Options{Mode: Full, Confirmed: true}, nil); err != nil {
			t.Fatalf("restore of the pre-restore backup: %v", err)
		}
		if h, _ := oddTree(t, root); h != hChanged {
			t.Error("restoring the pre-restore backup did not bring back the tree as it was")
		}
		// A catalog rebuilt from the archives adopts the pre-restore backup,
		// whose paths are the odd top-level names it replaced.
		if err := st.DeleteBackup(ctx, rres.SafetyCopy.ID); err != nil {
			t.Fatal(err)
		}
		rb, err := bm.Rebuild(ctx, dep, nil)
		if err != nil || len(rb.Adopted) != 1 || len(rb.Rejected) != 0 {
			t.Fatalf("rebuild: adopted %d, rejected %q, %v; want the pre-restore backup adopted", len(rb.Adopted), rb.Rejected, err)
		}
	}()
	if h, got := oddTree(t, root); h != hArchive || !slices.Equal(got, names) {
		t.Errorf("restored tree differs:\n got %q\nwant %q", got, names)
	}
	for i, n := range oddNames {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(n)))
		if want := "content " + string(rune('a'+i)); err != nil || string(b) != want {
			t.Errorf("%q: got %q, %v; want %q", n, b, err, want)
		}
	}

	// GNU tar, in the C locale and in UTF-8, restores the same bytes.
	for _, locale := range []string{"C", "C.UTF-8"} {
		out := filepath.Join(t.TempDir(), "x")
		if err := os.Mkdir(out, 0o755); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("tar", "-xzf", res.Record.Path, "-C", out)
		cmd.Env = append(os.Environ(), "LC_ALL="+locale)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil || stderr.Len() > 0 {
			t.Fatalf("tar -xzf (LC_ALL=%s): %v %s", locale, err, stderr.String())
		}
		if err := os.RemoveAll(filepath.Join(out, archive.MetaDir)); err != nil {
			t.Fatal(err)
		}
		if h, got := oddTree(t, out); h != hArchive || !slices.Equal(got, names) {
			t.Errorf("GNU tar (LC_ALL=%s) extracted:\n got %q\nwant %q", locale, got, names)
		}
	}
}

// oddTree is the tree hash of dir (.rewind left out) and the names an Lstat
// walk finds, as bytes.
func oddTree(t *testing.T, dir string) (string, []string) {
	t.Helper()
	h, entries, err := archivetest.HashTree(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	err = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == archive.MetaDir && fi.IsDir() {
			return filepath.SkipDir
		}
		names = append(names, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries)+1 != len(names) { // the walk also lists dir itself
		t.Fatalf("HashTree saw %d entries, the walk %d", len(entries), len(names)-1)
	}
	return h, names
}
