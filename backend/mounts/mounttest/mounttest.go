// Package mounttest mounts small tmpfs file systems for tests: a full disk
// on demand, a data directory on a disk of its own, a mount point nested
// inside a deployment. Mounting needs root; without it the test is skipped.
package mounttest

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/sys/unix"

	"rewind/backend/mounts"
)

// Tmpfs mounts a tmpfs of size (a mount option such as "8m") at dir,
// creating dir when missing, and unmounts it when the test ends, found by
// its mount ID wherever a faulty restore may have moved it. An unmount that
// fails fails the test: a leftover mount would outlive it.
func Tmpfs(t testing.TB, dir, size string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		t.Fatalf("mount a tmpfs at %s: %v", dir, err)
	}
	id := -1
	table, err := mounts.Read()
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range table {
		if m.Point == dir {
			id = m.ID
		}
	}
	if id < 0 {
		t.Fatalf("the tmpfs mounted at %s is not in the mount table", dir)
	}
	t.Cleanup(func() {
		table, err := mounts.Read()
		if err != nil {
			t.Errorf("read the mount table: %v", err)
			return
		}
		for _, m := range table {
			if m.ID == id {
				if err := unix.Unmount(m.Point, unix.MNT_DETACH); err != nil {
					t.Errorf("unmount %s: %v", m.Point, err)
				}
			}
		}
	})
}

// TempTmpfs mounts a tmpfs of size at a new temporary directory and
// returns it.
func TempTmpfs(t testing.TB, size string) string {
	t.Helper()
	dir := t.TempDir()
	Tmpfs(t, dir, size)
	return dir
}

// Is reports whether dir (resolved through symlinks) is itself a mount point.
func Is(dir string) (bool, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return false, err
	}
	d, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return false, err
	}
	within, err := mounts.Within(d)
	if err != nil {
		return false, err
	}
	return slices.Contains(within, d), nil
}
