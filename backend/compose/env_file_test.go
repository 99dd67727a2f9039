//go:build unix

package compose

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"rewind/backend/durable"
)

// Compose accepts a .env that starts with a UTF-8 byte-order mark (editors on
// Windows write one); so does Rewind, and a rewrite keeps the mark.
func TestEnvWithByteOrderMark(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, ".env")
	os.WriteFile(p, []byte("\xEF\xBB\xBFAPP_VERSION=1.2\nCOMPOSE_PROJECT_NAME=shop\n"), 0o644)
	env, err := ReadEnv(p)
	if err != nil || env["APP_VERSION"] != "1.2" {
		t.Fatalf("ReadEnv = %v, %v; want APP_VERSION=1.2", env, err)
	}
	os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte("services: {}\n"), 0o644)
	if name, err := ProjectName(dir); err != nil || name != "shop" {
		t.Errorf("ProjectName = %q, %v; want shop", name, err)
	}
	if err := SetEnvValue(p, "APP_VERSION", "1.3"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "\xEF\xBB\xBFAPP_VERSION=1.3\nCOMPOSE_PROJECT_NAME=shop\n" {
		t.Errorf("after SetEnvValue: %q", b)
	}
}

// A .env or compose file that is a named pipe (as some secret managers
// provide) is refused at once: opening it for reading would wait for a
// writer forever, holding the catalog and deployment locks.
func TestEnvNamedPipeRefusedWithoutBlocking(t *testing.T) {
	for _, name := range []string{".env", "compose.yaml"} {
		dir := t.TempDir()
		if name != "compose.yaml" {
			os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte("services: {}\n"), 0o644)
		}
		if err := syscall.Mkfifo(filepath.Join(dir, name), 0o600); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { _, err := ProjectName(dir); done <- err }()
		select {
		case err := <-done:
			if err == nil || name == ".env" && !errors.Is(err, durable.ErrNotRegular) {
				t.Errorf("%s a named pipe: ProjectName: %v, want ErrNotRegular", name, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s a named pipe: ProjectName blocked", name)
		}
	}
	dir := t.TempDir()
	syscall.Mkfifo(filepath.Join(dir, ".env"), 0o600)
	if err := SetEnvValue(filepath.Join(dir, ".env"), "V", "1"); !errors.Is(err, durable.ErrNotRegular) {
		t.Errorf("SetEnvValue on a named pipe: %v, want ErrNotRegular (and the pipe left alone)", err)
	}
	if fi, err := os.Lstat(filepath.Join(dir, ".env")); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("the named pipe was replaced: %v %v", fi, err)
	}
}
