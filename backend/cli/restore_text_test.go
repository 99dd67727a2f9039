package cli

import (
	"os"
	"os/exec"
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

// A hard link between the data and an application file: the backup warns,
// the data dry-run says what the restore does with it, and the restore works.
func TestHardLinkAcrossDataTexts(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
	state, proj := t.TempDir(), project(t)
	if err := os.Link(filepath.Join(proj, "app", "config.toml"), filepath.Join(proj, "data", "config.toml")); err != nil {
		t.Fatal(err)
	}
	ok(t, state, "init", "--project", proj)
	r := ok(t, state, "--project", proj, "backup", "create")
	if want := "rewind: data/config.toml is a hard link to app/config.toml, across the data paths: a data or app restore puts it back as a separate copy"; !strings.Contains(r.stderr, want) {
		t.Errorf("backup stderr:\n%s\nwant %q", r.stderr, want)
	}
	r = ok(t, state, "--project", proj, "backup", "restore", "1", "--mode", "data", "--dry-run")
	if want := "  data/config.toml is a hard link to app/config.toml, which data mode does not restore: it is put back as a separate copy and app/config.toml is left as it is\n"; !strings.Contains(r.stdout, want) {
		t.Errorf("dry-run:\n%s\nwant %q", r.stdout, want)
	}
	os.WriteFile(filepath.Join(proj, "app", "config.toml"), []byte("port = 9090\n"), 0o644)
	ok(t, state, "--project", proj, "backup", "restore", "1", "--mode", "data", "--yes", "--no-start")
	for name, want := range map[string]string{"data/config.toml": "port = 8080\n", "app/config.toml": "port = 9090\n"} {
		if b, err := os.ReadFile(filepath.Join(proj, name)); err != nil || string(b) != want {
			t.Errorf("%s after the data restore: %q %v, want %q", name, b, err, want)
		}
	}
}

// A replaced tree the restore cannot remove (an immutable file in it): the
// restore says where it is and what to do; the next start removes it once
// it can, and says so.
func TestLeftoverTreeTexts(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root for chattr")
	}
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
	state, proj := t.TempDir(), project(t)
	ok(t, state, "init", "--project", proj)
	ok(t, state, "--project", proj, "backup", "create")
	log := filepath.Join(proj, "data", "log.txt")
	os.WriteFile(log, []byte("changed after the backup\n"), 0o644)
	if out, err := exec.Command("chattr", "+i", log).CombinedOutput(); err != nil {
		t.Skipf("chattr: %v %s", err, out)
	}
	meta := filepath.Join(proj, ".rewind")
	t.Cleanup(func() { exec.Command("chattr", "-R", "-i", meta).Run() })
	r := ok(t, state, "--project", proj, "backup", "restore", "1", "--yes", "--no-start")
	left, _ := filepath.Glob(filepath.Join(meta, "restore-*"))
	if len(left) != 1 {
		t.Fatalf("after the restore .rewind holds %v; want the one leftover", left)
	}
	want := "rewind: the replaced files are kept as backup #2, but their copy in " + left[0] + " could not be removed ("
	if !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, "Rewind tries again at the next start") {
		t.Errorf("restore stderr:\n%s\nwant %q… and that it is retried at the next start", r.stderr, want)
	}
	exec.Command("chattr", "-R", "-i", meta).Run()
	r = ok(t, state, "--project", proj, "backup", "list")
	if want := "rewind: recovered: removed " + left[0] + ", left over by the restore of backup #1"; !strings.Contains(r.stderr, want) {
		t.Errorf("next start stderr:\n%s\nwant %q", r.stderr, want)
	}
	if _, err := os.Stat(left[0]); !os.IsNotExist(err) {
		t.Errorf("%s is still there: %v", left[0], err)
	}
}
