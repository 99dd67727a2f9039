package cli

import (
	"bytes"
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
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	// Once the record exists the backup is writing its archive.
	storage := filepath.Join(state, "backups", "shop")
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m, _ := filepath.Glob(filepath.Join(storage, "*.partial")); len(m) > 0 {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("the backup ended before it could be cancelled (%v): %s", err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the backup never started writing")
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("still running 30s after SIGINT; stderr %q", stderr.String())
	}
	if s := stderr.String(); !strings.Contains(s, "was cancelled: its partial file was removed and the record marked failed") || strings.Contains(s, "context canceled") {
		t.Errorf("stderr %q: want it to say the backup was cancelled, without %q", s, "context canceled")
	}
	r := ok(t, state, "--json", "--project", proj, "backup", "list")
	if !strings.Contains(r.stdout, `"error": "cancelled by the admin"`) || !strings.Contains(r.stdout, `"status": "failed"`) {
		t.Errorf("list: %s\nwant the record failed with %q", r.stdout, "cancelled by the admin")
	}
}
