package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rewind/backend/mounts/mounttest"
)

// A restore killed at any swap beside a kept mount point (an excluded cache
// on a tmpfs), followed by any command, leaves the old or the restored
// tree, the mount where it was with its files, and nothing mounted or left
// under .rewind.
func TestKillDuringRestoreBesideKeptMount(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	bin := binary(t, "crashtest")
	for _, p := range restorePoints() {
		t.Run(p, func(t *testing.T) {
			state, proj := t.TempDir(), project(t)
			mnt := filepath.Join(proj, "data", "cache")
			mounttest.Tmpfs(t, mnt, "1m")
			os.WriteFile(filepath.Join(mnt, "rows"), []byte("on the disk"), 0o644)
			ok(t, state, "init", "--project", proj, "--exclude", "data/cache")
			ok(t, state, "--project", proj, "backup", "create")
			hArchive := treeHash(t, proj)
			os.WriteFile(filepath.Join(proj, "data", "log.txt"), []byte("changed after the backup\n"), 0o644)
			os.WriteFile(filepath.Join(proj, "data", "new.txt"), []byte("new"), 0o644)
			os.Remove(filepath.Join(proj, "data", "db", "users.json"))
			hBefore := treeHash(t, proj)

			env := []string{"DOCKER_HOST=unix:///nonexistent/docker.sock"}
			killRestore(t, bin, p, env, []string{"--state", state, "--project", proj}, "1", "--mode", "data", "--yes", "--no-start")
			r := runBin(t, bin, []string{"DOCKER_HOST=unix:///nonexistent/docker.sock"}, "--state", state, "--project", proj, "backup", "list")
			if r.code != 0 {
				t.Fatalf("list after the crash: %s", r.stderr)
			}
			if got := treeHash(t, proj); got != hBefore && got != hArchive {
				t.Fatalf("after the crash at %s and recovery the tree is neither the old nor the restored one\n%s", p, r.stderr)
			}
			if b, err := os.ReadFile(filepath.Join(mnt, "rows")); err != nil || string(b) != "on the disk" {
				t.Errorf("file on the mount: %q, %v", b, err)
			}
			if is, err := mounttest.Is(mnt); err != nil || !is {
				t.Errorf("%s is no longer a mount point (%v)", mnt, err)
			}
			ents, _ := os.ReadDir(filepath.Join(proj, ".rewind"))
			for _, e := range ents {
				if strings.HasPrefix(e.Name(), "restore-") {
					t.Errorf("restore work left: %s", e.Name())
				}
			}
			checkInvariants(t, state, proj)
		})
	}
}
