package journal

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLockIsExclusiveAndNamesTheHolder(t *testing.T) {
	p := filepath.Join(t.TempDir(), "d", "lock")
	l, err := Acquire(p, "deployment shop", "backup create")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Acquire(p, "deployment shop", "restore")
	var be *BusyError
	if !errors.As(err, &be) || !errors.Is(err, ErrBusy) {
		t.Fatalf("second acquire: got %v, want a BusyError", err)
	}
	if be.Holder.PID != os.Getpid() || !strings.Contains(err.Error(), "deployment shop is busy: backup create is running") {
		t.Errorf("busy error: got %q (holder %+v)", err, be.Holder)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	l.Release() // twice is harmless
	l2, err := Acquire(p, "deployment shop", "restore")
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	l2.Release()
}
