package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"rewind/backend/archive/archivetest"
	"rewind/backend/restore"
)

func treeHash(t *testing.T, dir string) string {
	t.Helper()
	h, _, err := archivetest.HashTree(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// restorePoints is every step and crash point of a restore, the swapping
// point also at its second and third entry, and the crash point halfway
// through the restore's safety copy.
func restorePoints() []string {
	return append(restore.Spec.Names(), "restore.swapping#2", "restore.swapping#3", "backup.writing.mid")
}

// killRestore runs `rewind <global> backup restore <args>` with the process
// killed at point p. A point only an undo reaches is reached in the
// recovery of a restore killed once it swapped: that recovery (a `backup
// list`) is killed at p. The next command recovers.
func killRestore(t *testing.T, bin, p string, env, global []string, args ...string) {
	t.Helper()
	crashAt := p
	undo := p == "restore."+string(restore.Undoing) || p == "restore."+string(restore.Undone)
	if undo {
		crashAt = "restore." + string(restore.Swapped)
	}
	r := runBin(t, bin, append([]string{"REWIND_CRASH_AT=" + crashAt}, env...), append(append(global, "backup", "restore"), args...)...)
	if r.code != -int(syscall.SIGKILL) {
		t.Fatalf("want the process killed at %s, got exit %d: %s", crashAt, r.code, r.stderr)
	}
	if !undo {
		return
	}
	r = runBin(t, bin, append([]string{"REWIND_CRASH_AT=" + p}, env...), append(global, "backup", "list")...)
	if r.code != -int(syscall.SIGKILL) {
		t.Fatalf("want the recovery killed at %s, got exit %d: %s", p, r.code, r.stderr)
	}
}

// A restore killed with SIGKILL at any step, followed by any command, leaves
// the live tree equal to the old tree or to the restored one, never a mix,
// and nothing in progress.
func TestKillDuringRestore(t *testing.T) {
	bin := binary(t, "crashtest")
	for _, p := range restorePoints() {
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

			env := []string{"DOCKER_HOST=unix:///nonexistent/docker.sock"}
			killRestore(t, bin, p, env, []string{"--state", state, "--project", proj}, "1", "--yes", "--no-start")
			// Any command runs recovery first.
			r := runBin(t, bin, []string{"DOCKER_HOST=unix:///nonexistent/docker.sock"}, "--state", state, "--project", proj, "backup", "list")
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
