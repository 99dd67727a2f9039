package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"rewind/backend/archive"
)

func treeHash(t *testing.T, dir string) string {
	t.Helper()
	h, _, err := archive.HashTree(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// A restore killed with SIGKILL at any step, followed by any command, leaves
// the live tree equal to the old tree or to the restored one, never a mix,
// and nothing in progress.
func TestKillDuringRestore(t *testing.T) {
	bin := binary(t, "crashtest")
	points := []string{"restore.R1", "restore.R4", "restore.R6.mid", "restore.R6", "restore.R7", "restore.R5",
		"restore.R8.carried", "restore.R8.swap", "restore.R8.swap#2", "restore.R8.swap#3", "restore.R8.done",
		"restore.R10", "restore.R11", "backup.writing.mid"}
	for _, p := range points {
		t.Run(p, func(t *testing.T) {
			state, proj := t.TempDir(), project(t)
			big := make([]byte, 2<<20)
			for i := range big {
				big[i] = byte(i * 7)
			}
			os.WriteFile(filepath.Join(proj, "data", "blob.bin"), big, 0o644)
			ok(t, state, "init", "--project", proj)
			ok(t, state, "--project", proj, "backup", "create")
			hArchive := treeHash(t, proj)
			os.WriteFile(filepath.Join(proj, "data", "log.txt"), []byte("changed after the backup\n"), 0o644)
			os.WriteFile(filepath.Join(proj, "app", "new.conf"), []byte("new"), 0o644)
			os.Remove(filepath.Join(proj, "data", "db", "users.json"))
			hBefore := treeHash(t, proj)

			env := []string{"REWIND_CRASH_AT=" + p, "DOCKER_HOST=unix:///nonexistent/docker.sock"}
			r := runBin(t, bin, env, "--state", state, "--project", proj, "backup", "restore", "1", "--yes", "--no-start")
			if r.code != -int(syscall.SIGKILL) {
				t.Fatalf("want the process killed at %s, got exit %d: %s", p, r.code, r.stderr)
			}
			// Any command runs recovery first.
			r = runBin(t, bin, []string{"DOCKER_HOST=unix:///nonexistent/docker.sock"}, "--state", state, "--project", proj, "backup", "list")
			if r.code != 0 {
				t.Fatalf("list after the crash: %s", r.stderr)
			}
			got := treeHash(t, proj)
			if got != hBefore && got != hArchive {
				t.Fatalf("after the crash at %s and recovery the tree is neither the old nor the restored one\n%s", p, r.stderr)
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
