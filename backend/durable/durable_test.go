//go:build unix

package durable

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestWriteFileReplacesAndKeepsModeAndOwner(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".env")
	if err := WriteFile(path, []byte("A=1\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o640 {
		t.Fatalf("new file mode %v, want 0640", st.Mode().Perm())
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	root := os.Geteuid() == 0
	if root {
		if err := os.Chown(path, 65534, 65534); err != nil {
			t.Fatal(err)
		}
	}
	if err := WriteFile(path, []byte("A=2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	st, _ := os.Stat(path)
	if string(got) != "A=2\n" || st.Mode().Perm() != 0o600 {
		t.Fatalf("after replace: %q, mode %v; want A=2 and the old mode 0600", got, st.Mode().Perm())
	}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok && root && (sys.Uid != 65534 || sys.Gid != 65534) {
		t.Errorf("owner %d:%d, want the old owner 65534:65534", sys.Uid, sys.Gid)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp-*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}
