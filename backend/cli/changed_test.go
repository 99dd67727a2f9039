package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// A file that a live service rewrites in place while the backup reads it
// (here a goroutine overwriting it every millisecond, same size, so only
// mtime and ctime move) is not a clean copy: the backup completes, but the
// admin sees a warning naming the file, in the text output and in the
// JSON's warnings, never a plain success.
func TestBackupWarnsOfFileChangedWhileRead(t *testing.T) {
	state, proj := t.TempDir(), project(t)
	ok(t, state, "init", "--project", proj, "--data", "data")
	live := filepath.Join(proj, "data", "live.db")
	if err := os.WriteFile(live, bytes.Repeat([]byte("a"), 8<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--json"}, {}} {
		stop := rewriteUntilDone(t, live)
		r := ok(t, state, append(args, "--project", proj, "backup", "create")...)
		stop()
		if !strings.Contains(r.stderr, "data/live.db changed while it was being read") {
			t.Errorf("%v: stderr %q, want a warning naming data/live.db", args, r.stderr)
		}
		if len(args) > 0 {
			rec := decode[map[string]any](t, r.stdout)
			ws, _ := rec["warnings"].([]any)
			if len(ws) != 1 || !strings.Contains(ws[0].(string), "data/live.db") {
				t.Errorf("json warnings = %v, want one naming data/live.db", rec["warnings"])
			}
		} else if !strings.Contains(r.stdout, "created with 1 warning(s)") {
			t.Errorf("stdout %q, want the success line to mention the warning", r.stdout)
		}
	}
	// Nothing writes to it now: a plain success, and empty warnings.
	rec := decode[map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "create").stdout)
	if ws, ok := rec["warnings"].([]any); !ok || len(ws) != 0 {
		t.Errorf("warnings of a quiet backup = %v, want []", rec["warnings"])
	}
}

// rewriteUntilDone overwrites the start of path in place every millisecond
// until the returned stop is called.
func rewriteUntilDone(t *testing.T, path string) (stop func()) {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
			}
			f.WriteAt([]byte{byte('b' + i%20)}, int64(i%4096)*4096)
		}
	})
	return func() { close(done); wg.Wait(); f.Close() }
}
