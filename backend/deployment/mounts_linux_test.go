//go:build linux

package deployment

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A data path that is a mount point, or holds one, is accepted with a
// warning: a restore refuses to replace a mount point.
func TestWarningsForMountedDataPaths(t *testing.T) {
	f := newFixture(t)
	uploads := filepath.Join(f.real, "uploads")
	cache := filepath.Join(f.real, "data", "db", "cache")
	for _, dir := range []string{uploads, cache} {
		os.MkdirAll(dir, 0o755)
		if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=1m"); err != nil {
			t.Skipf("cannot mount a tmpfs (needs root): %v", err)
		}
		t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	}
	d, err := Init(context.Background(), f.st, f.state, InitOptions{Path: f.link, DataPaths: []string{"data", "uploads", "app"}})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(Warnings(d), "\n")
	for _, want := range []string{`data path "uploads" is a mount point`, `data path "data" holds mount points (` + cache + `)`} {
		if !strings.Contains(got, want) {
			t.Errorf("warnings %q: missing %q", got, want)
		}
	}
	if strings.Contains(got, `"app"`) {
		t.Errorf("warnings %q: app is neither a mount point nor holds one", got)
	}
}
