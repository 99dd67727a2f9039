package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A backup cancelled with SIGINT while it writes says it was cancelled, and
// its record says so too, not "context canceled".
func TestCancelledBackupTexts(t *testing.T) {
	bin := binary(t, "")
	state, proj := t.TempDir(), project(t)
	// A large sparse file keeps the archive busy for a while.
	f, err := os.Create(filepath.Join(proj, "data", "disk.img"))
	if err != nil {
		t.Fatal(err)
	}
	f.Truncate(16 << 30)
	f.Close()
	ok(t, state, "init", "--project", proj)
	cmd := exec.Command(bin, "--state", state, "--project", proj, "backup", "create")
	run := start(t, cmd)
	// Once the record exists the backup is writing its archive.
	storage := filepath.Join(state, "backups", "shop")
	run.await(t, func() bool {
		m, _ := filepath.Glob(filepath.Join(storage, "*.partial"))
		return len(m) > 0
	}, "the backup ended before it could be cancelled", func() string { return "the backup never started writing" })
	time.Sleep(200 * time.Millisecond)
	run.signal(t, syscall.SIGINT, 30*time.Second)
	stderr := run.stderr
	if s := stderr.String(); !strings.Contains(s, "was cancelled: its partial file was removed and the record marked failed") || strings.Contains(s, "context canceled") {
		t.Errorf("stderr %q: want it to say the backup was cancelled, without %q", s, "context canceled")
	}
	r := ok(t, state, "--json", "--project", proj, "backup", "list")
	if !strings.Contains(r.stdout, `"error": "cancelled by the admin"`) || !strings.Contains(r.stdout, `"status": "failed"`) {
		t.Errorf("list: %s\nwant the record failed with %q", r.stdout, "cancelled by the admin")
	}
}
