package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rewind/backend/mounts/mounttest"
)

// A disk mounted inside the data directory: the dry-run says the restore
// is refused, and why, exactly as the restore itself does; nothing changes.
func TestRestoreDryRunSaysMountPointIsRefused(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	state, proj := t.TempDir(), project(t)
	ok(t, state, "init", "--project", proj)
	ok(t, state, "--project", proj, "backup", "create")
	mnt := filepath.Join(proj, "data", "db")
	mounttest.Tmpfs(t, mnt, "1m")
	if err := os.WriteFile(filepath.Join(mnt, "rows"), []byte("on the disk"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"backup", "restore", "1", "--dry-run"},
		{"backup", "restore", "1", "--mode", "data", "--dry-run"},
		{"backup", "restore", "1", "--mode", "data", "--yes"},
	} {
		r := rewind(t, state, append([]string{"--project", proj}, args...)...)
		if r.code == 0 || !strings.Contains(r.stderr, mnt+" is a mount point") || !strings.Contains(r.stderr, "nothing was changed") {
			t.Errorf("%v: exit %d, stderr %q; want the mount point named", args, r.code, r.stderr)
		}
		j := rewind(t, state, append([]string{"--json", "--project", proj}, args...)...)
		if doc := decode[map[string]map[string]any](t, j.stdout); doc["error"]["code"] != "restore_mount_point" {
			t.Errorf("%v --json: %v", args, doc)
		}
	}
	if b, err := os.ReadFile(filepath.Join(mnt, "rows")); err != nil || string(b) != "on the disk" {
		t.Errorf("file on the mount: %q, %v", b, err)
	}
}

// A tmpfs on an excluded cache: the dry-run names it as left where it is.
func TestRestoreDryRunNamesAKeptMount(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	state, proj := t.TempDir(), project(t)
	mnt := filepath.Join(proj, "data", "cache")
	mounttest.Tmpfs(t, mnt, "1m")
	ok(t, state, "init", "--project", proj, "--exclude", "data/cache")
	ok(t, state, "--project", proj, "backup", "create")
	r := ok(t, state, "--project", proj, "backup", "restore", "1", "--mode", "data", "--dry-run")
	if !strings.Contains(r.stdout, "mount points left where they are: data/cache") {
		t.Errorf("dry-run: %s", r.stdout)
	}
}
