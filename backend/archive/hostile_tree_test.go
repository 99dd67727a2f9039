package archive

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// hTreeHash is a SHA-256 over an Lstat walk of dir in byte order: path, type,
// mode, size, mtime and content hash or link target. skip names a
// subdirectory (relative) left out of the walk.
func hTreeHash(t testing.TB, dir, skip string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if skip != "" && rel == skip {
			return filepath.SkipDir
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		extra := ""
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			extra, err = os.Readlink(p)
		case fi.Mode().IsRegular():
			extra, err = hFileSum(p)
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%q %v %d %d %q\n", rel, fi.Mode(), fi.Size(), fi.ModTime().UnixNano(), extra)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func hFileSum(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// hCompareTree reports how the tree under dir differs from entries: every
// entry must exist with its type, permission bits (setuid/setgid/sticky
// stripped), size, content hash or link target; every other path must be a
// directory that is an ancestor of some entry.
func hCompareTree(dir string, entries []Entry) error {
	want := make(map[string]Entry, len(entries))
	ancestors := map[string]bool{".": true}
	for _, e := range entries {
		p := path.Clean(e.Path)
		want[p] = e
		for d := path.Dir(p); d != "."; d = path.Dir(d) {
			ancestors[d] = true
		}
	}
	seen := 0
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		e, ok := want[rel]
		if !ok {
			if fi.IsDir() && ancestors[rel] {
				return nil
			}
			return fmt.Errorf("%s is on disk but not in the index", rel)
		}
		seen++
		return hCompareEntry(dir, p, fi, e)
	})
	if err != nil {
		return err
	}
	if seen != len(want) {
		return fmt.Errorf("%d of %d index entries on disk", seen, len(want))
	}
	return nil
}

func hCompareEntry(dir, p string, fi fs.FileInfo, e Entry) error {
	gotType := "other"
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		gotType = TypeSymlink
	case fi.IsDir():
		gotType = TypeDir
	case fi.Mode().IsRegular():
		gotType = TypeFile
	}
	if e.Type == TypeHardlink && gotType == TypeFile {
		target, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(e.Link)))
		if err != nil || !os.SameFile(fi, target) {
			return fmt.Errorf("%s: not a hard link of %s (%v)", e.Path, e.Link, err)
		}
		return nil
	}
	if gotType != e.Type {
		return fmt.Errorf("%s: got %s, want %s", e.Path, gotType, e.Type)
	}
	switch e.Type {
	case TypeSymlink:
		got, err := os.Readlink(p)
		if err != nil || got != e.Link {
			return fmt.Errorf("%s: link got %q (%v), want %q", e.Path, got, err, e.Link)
		}
		return nil
	case TypeFile:
		if fi.Size() != e.Size {
			return fmt.Errorf("%s: size got %d, want %d", e.Path, fi.Size(), e.Size)
		}
		sum, err := hFileSum(p)
		if err != nil || sum != e.SHA256 {
			return fmt.Errorf("%s: sha256 got %s (%v), want %s", e.Path, sum, err, e.SHA256)
		}
	}
	if got, want := uint32(fi.Mode().Perm()), e.Mode&0o777; got != want {
		return fmt.Errorf("%s: mode got %o, want %o", e.Path, got, want)
	}
	if fi.Mode()&(fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky) != 0 {
		return fmt.Errorf("%s: special mode bits kept: %v", e.Path, fi.Mode())
	}
	return nil
}

// hListDir lists the names in dir, for asserting that nothing appeared
// beside the staging directory.
func hListDir(t testing.TB, dir string) string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, len(ents))
	for i, e := range ents {
		names[i] = e.Name()
	}
	return strings.Join(names, ",")
}
