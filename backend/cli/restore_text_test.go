package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// A FIFO in the data: the backup's warning names it in words, the dry-run
// says the restore leaves it in place, and the restore does.
func TestSpecialFileTexts(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
	state, proj := t.TempDir(), project(t)
	fifo := filepath.Join(proj, "data", "queue.fifo")
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	ok(t, state, "init", "--project", proj)
	r := ok(t, state, "--project", proj, "backup", "create")
	if want := "rewind: skipped a named pipe: data/queue.fifo (not archived; a restore leaves it in place)"; !strings.Contains(r.stderr, want) {
		t.Errorf("backup stderr:\n%s\nwant %q", r.stderr, want)
	}
	r = ok(t, state, "--project", proj, "backup", "restore", "1", "--dry-run")
	if want := "  left in place (FIFOs, sockets and devices are never archived): data/queue.fifo\n"; !strings.Contains(r.stdout, want) {
		t.Errorf("dry-run:\n%s\nwant %q", r.stdout, want)
	}
	ok(t, state, "--project", proj, "backup", "restore", "1", "--yes", "--no-start")
	if st, err := os.Lstat(fifo); err != nil || st.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the FIFO after the restore: %v %v", st, err)
	}
}
