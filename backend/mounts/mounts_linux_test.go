package mounts_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"golang.org/x/sys/unix"

	"rewind/backend/mounts"
	"rewind/backend/mounts/mounttest"
)

// tmpfs mounts a small tmpfs at dir (created) and unmounts it at cleanup.
func tmpfs(t *testing.T, dir string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "size=1m"); err != nil {
		t.Fatalf("mount tmpfs at %s: %v", dir, err)
	}
	t.Cleanup(func() {
		if err := unix.Unmount(dir, unix.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
}

func TestWithinFindsRealMountsAtEveryDepth(t *testing.T) {
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	deep := filepath.Join(base, "data", "db with space")
	tmpfs(t, deep)
	nested := filepath.Join(deep, "inner")
	tmpfs(t, nested)
	if err := os.MkdirAll(filepath.Join(base, "other"), 0o755); err != nil {
		t.Fatal(err)
	}

	got, err := mounts.Within(base)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{deep, nested}; !slices.Equal(got, want) {
		t.Fatalf("Within(%s) = %q, want %q", base, got, want)
	}
	if got, _ := mounts.Within(filepath.Join(base, "other")); len(got) != 0 {
		t.Fatalf("Within(other) = %q, want none", got)
	}
	// dir itself counts; a sibling with the same prefix does not.
	if got, _ := mounts.Within(deep); !slices.Equal(got, []string{deep, nested}) {
		t.Fatalf("Within(mount point) = %q", got)
	}
	if err := os.MkdirAll(filepath.Join(base, "data", "db"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, _ := mounts.Within(filepath.Join(base, "data", "db")); len(got) != 0 {
		t.Fatalf("Within(prefix sibling) = %q, want none", got)
	}

	for dir, want := range map[string]bool{deep: true, base: false, filepath.Join(base, "data"): false} {
		is, err := mounttest.Is(dir)
		if err != nil || is != want {
			t.Errorf("Is(%s) = %v, %v; want %v", dir, is, err, want)
		}
	}
}

func TestWithinResolvesSymlinks(t *testing.T) {
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	real := filepath.Join(base, "real")
	tmpfs(t, filepath.Join(real, "m"))
	link := filepath.Join(base, "link")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	got, err := mounts.Within(link)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{filepath.Join(real, "m")}; !slices.Equal(got, want) {
		t.Fatalf("Within(link) = %q, want %q", got, want)
	}
	if is, err := mounttest.Is(filepath.Join(link, "m")); err != nil || !is {
		t.Fatalf("Is(link/m) = %v, %v; want true", is, err)
	}
}

func TestWithinMissingDirIsAnError(t *testing.T) {
	if _, err := mounts.Within(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Fatal("Within(missing) succeeded")
	}
}
