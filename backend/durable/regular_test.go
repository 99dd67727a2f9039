//go:build unix

package durable

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A named pipe with no writer would block open(2) forever; OpenRegular
// refuses it at once and says what it is.
func TestOpenRegularRefusesFIFO(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), ".env")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := ReadRegular(fifo); done <- err }()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "named pipe") {
			t.Errorf("ReadRegular(fifo) = %v, want ErrNotRegular naming a named pipe", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ReadRegular blocked on a named pipe")
	}
	reg := filepath.Join(t.TempDir(), "f")
	os.WriteFile(reg, []byte("A=1\n"), 0o600)
	if b, err := ReadRegular(reg); err != nil || string(b) != "A=1\n" {
		t.Errorf("ReadRegular(regular) = %q, %v", b, err)
	}
}
