package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A deployment on a 32 MiB file system holding a 256 MiB sparse file (12
// KiB of data) backs up and restores in place: the restore's space check
// asks for the data's room, not the apparent size, and the file comes back
// with its holes.
func TestRestoreOfSparseFileFitsItsFileSystem(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
	fs := tmpfs(t, "32m")
	proj := filepath.Join(fs, "shop")
	if out, err := exec.Command("cp", "-a", project(t), proj).CombinedOutput(); err != nil {
		t.Fatalf("cp: %v %s", err, out)
	}
	img := filepath.Join(proj, "data", "disk.img")
	const size = 256 << 20
	writeSparse(t, img, size)
	state := t.TempDir()
	ok(t, state, "init", "--project", proj, "--data", "data")
	ok(t, state, "--project", proj, "backup", "create")
	if err := os.WriteFile(filepath.Join(proj, "data", "log.txt"), []byte("after the backup\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := rewind(t, state, "--project", proj, "backup", "restore", "1", "--yes", "--no-start")
	if r.code != 0 {
		t.Fatalf("restore of a sparse file on a small file system: exit %d: %s", r.code, r.stderr)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(img, &st); err != nil || st.Size != size {
		t.Fatalf("restored file: %+v %v, want %d bytes", st, err, size)
	}
	if st.Blocks*512 > 1<<20 {
		t.Errorf("restored file allocates %d bytes, want its holes kept", st.Blocks*512)
	}
	if log, _ := os.ReadFile(filepath.Join(proj, "data", "log.txt")); !strings.HasPrefix(string(log), "started") {
		t.Errorf("log.txt = %q, want the backed-up content", log)
	}
}

// writeSparse creates a file of size bytes holding 4 KiB at its start,
// middle and end, holes elsewhere.
func writeSparse(t *testing.T, p string, size int64) {
	t.Helper()
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	for _, off := range []int64{0, size / 2, size - 4096} {
		if _, err := f.WriteAt([]byte(strings.Repeat("x", 4096)), off); err != nil {
			t.Fatal(err)
		}
	}
}
