package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A path Rewind opens as an archive may be a named pipe: opening one for
// reading blocks until a writer comes, forever, while the command holds the
// catalog and the deployment's lock. Import and verify refuse it at once and
// say what it is; catalog rebuild reports it.
func TestNamedPipeIsRefusedNotWaitedOn(t *testing.T) {
	bin := binary(t, "")
	state, proj := t.TempDir(), project(t)
	ok(t, state, "init", "--project", proj)
	rec := decode[map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "create").stdout)
	flags := []string{"--state", state, "--project", proj}

	fifo := filepath.Join(t.TempDir(), "incoming.tar.gz")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	r := runWithin(t, 30*time.Second, bin, append(flags, "backup", "import", fifo)...)
	if r.code == 0 || !strings.Contains(r.stderr, "named pipe") {
		t.Errorf("import of a named pipe: exit %d, stderr %q; want a refusal naming it a named pipe", r.code, r.stderr)
	}

	// The archive of a record replaced by a named pipe.
	path := rec["path"].(string)
	if err := os.Rename(path, path+".saved"); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	r = runWithin(t, 30*time.Second, bin, append(flags, "backup", "verify", "1")...)
	if r.code == 0 || !strings.Contains(r.stderr+r.stdout, "named pipe") {
		t.Errorf("verify of a named pipe: exit %d, stdout %q, stderr %q; want a failure naming it a named pipe", r.code, r.stdout, r.stderr)
	}

	// One more in the storage directory, under an archive's name.
	planted := filepath.Join(filepath.Dir(path), "backup_manual_v1_2020-01-01_00-00-00.tar.gz")
	if err := syscall.Mkfifo(planted, 0o600); err != nil {
		t.Fatal(err)
	}
	r = runWithin(t, 30*time.Second, bin, append(flags, "--json", "catalog", "rebuild")...)
	if r.code != 0 {
		t.Fatalf("rebuild: exit %d, %s", r.code, r.stderr)
	}
	rb := decode[map[string]any](t, r.stdout)
	if len(rb["adopted"].([]any)) != 0 || !strings.Contains(r.stderr, filepath.Base(planted)) {
		t.Errorf("rebuild with a named pipe in storage: %v, stderr %q; want it reported, not adopted", rb, r.stderr)
	}
	// Nothing was left holding a lock: the deployment is usable.
	ok(t, state, "--project", proj, "backup", "list")
}
