package archive

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The tests below rewrite a real file in place (same inode, same size, new
// content, so mtime and ctime move) while Write reads it. testHookRead is a
// seam used only to time that rewrite deterministically: it runs right
// after Write has read the content and before it stats the file again.

// changingFile writes a file of size bytes under a new root and sets its
// times an hour back, so that a rewrite within the kernel's clock tick
// still moves its mtime.
func changingFile(t *testing.T, size int) (root, rel string) {
	t.Helper()
	root, rel = t.TempDir(), "data/live.db"
	p := filepath.Join(root, "data", "live.db")
	mustWrite(t, p, strings.Repeat("a", size))
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
	return root, rel
}

// rewriteOnRead makes the first times reads of rel rewrite the whole file
// in place with the byte b+i (i counting the rewrites).
func rewriteOnRead(t *testing.T, root, rel string, times int) *int {
	t.Helper()
	n := 0
	testHookRead = func(got string) {
		if got != rel || n >= times {
			return
		}
		f, err := os.OpenFile(filepath.Join(root, filepath.FromSlash(rel)), os.O_WRONLY, 0)
		if err != nil {
			t.Error(err)
			return
		}
		defer f.Close()
		fi, _ := f.Stat()
		if _, err := f.WriteAt(bytes.Repeat([]byte{byte('b' + n)}, int(fi.Size())), 0); err != nil {
			t.Error(err)
		}
		n++
	}
	t.Cleanup(func() { testHookRead = func(string) {} })
	return &n
}

// archivedContent writes root's archive and returns rel's content as
// extracted from it, with the write's result.
func archivedContent(t *testing.T, root, rel string) (string, WriteResult) {
	t.Helper()
	data, res := writeArchive(t, root, WriteOptions{})
	dst := filepath.Join(t.TempDir(), "x")
	if err := os.Mkdir(dst, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := Extract(context.Background(), bytes.NewReader(data), dst, ExtractOptions{}); err != nil {
		t.Fatalf("extract: %v", err)
	}
	got, err := os.ReadFile(filepath.Join(dst, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(got), res
}

// A small file rewritten once while it is read is read again: the archive
// holds the new content whole, and the write is a clean one.
func TestWriteRereadsFileChangedWhileRead(t *testing.T) {
	root, rel := changingFile(t, 4096)
	n := rewriteOnRead(t, root, rel, 1)
	got, res := archivedContent(t, root, rel)
	if *n != 1 {
		t.Fatalf("the file was rewritten %d times, want 1", *n)
	}
	if got != strings.Repeat("b", 4096) {
		t.Errorf("archived content starts %q, want the rewritten content", got[:8])
	}
	if len(res.Changed) != 0 {
		t.Errorf("Changed = %v after a stable second read, want none", res.Changed)
	}
}

// A file that changes at every read, small (read again, up to readTries)
// or larger than the read buffer (already in the stream), is reported: the
// write never passes a torn copy off as a clean one.
func TestWriteReportsFileThatKeepsChanging(t *testing.T) {
	for _, tt := range []struct {
		name string
		size int
	}{{"small", 4096}, {"streamed", 3*copyBufSize + 100}} {
		t.Run(tt.name, func(t *testing.T) {
			root, rel := changingFile(t, tt.size)
			n := rewriteOnRead(t, root, rel, 100)
			_, res := archivedContent(t, root, rel)
			if !slices.Equal(res.Changed, []string{rel}) {
				t.Errorf("Changed = %v after %d rewrites, want [%s]", res.Changed, *n, rel)
			}
		})
	}
}

// Files that do not change are not reported, and are read once.
func TestWriteReadsStableFilesOnce(t *testing.T) {
	root := writeFixture(t, fixtureNodes)
	reads := map[string]int{}
	testHookRead = func(rel string) { reads[rel]++ }
	t.Cleanup(func() { testHookRead = func(string) {} })
	_, res := writeArchive(t, root, WriteOptions{})
	if len(res.Changed) != 0 {
		t.Errorf("Changed = %v for a tree nothing writes to", res.Changed)
	}
	for rel, n := range reads {
		if n != 1 {
			t.Errorf("%s read %d times, want once", rel, n)
		}
	}
}
