package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSecondProcessGetsInUse(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetWhat("backup create shop"); err != nil {
		t.Fatal(err)
	}
	_, got := startHelper(t, "open", dir)
	want := fmt.Sprintf("err: catalog in use by PID %d (backup create shop, since %s", os.Getpid(),
		time.Now().Format("2006-01-02 15:04"))
	if !strings.HasPrefix(got, want) {
		t.Fatalf("child said %q, want it to start with %q", got, want)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, got := startHelper(t, "open", dir); got != "ok" {
		t.Fatalf("child after close said %q, want ok", got)
	}
}

func TestOpenWhileChildHolds(t *testing.T) {
	dir := t.TempDir()
	h, ready := startHelper(t, "hold", dir, envWhat+"=upgrade to 2.0")
	childPID := h.cmd.Process.Pid
	if ready != "ready "+strconv.Itoa(childPID) {
		t.Fatalf("child said %q", ready)
	}
	_, err := Open(dir, "")
	var inUse *InUseError
	if !errors.As(err, &inUse) || !errors.Is(err, ErrInUse) {
		t.Fatalf("Open while held: %v, want *InUseError", err)
	}
	if inUse.PID != childPID || inUse.What != "upgrade to 2.0" || time.Since(inUse.Since) > time.Minute {
		t.Fatalf("got %+v, want PID %d, what %q, since a moment ago", *inUse, childPID, "upgrade to 2.0")
	}
	want := fmt.Sprintf("catalog in use by PID %d (upgrade to 2.0, since %s)", childPID,
		inUse.Since.Local().Format("2006-01-02 15:04:05 MST"))
	if err.Error() != want {
		t.Fatalf("got %q, want %q", err.Error(), want)
	}
	h.stop(t)
	s, err := Open(dir, "")
	if err != nil {
		t.Fatalf("Open after the owner closed: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestStaleLockFileDoesNotBlock(t *testing.T) {
	dir := t.TempDir()
	h, _ := startHelper(t, "hold", dir)
	childPID := h.cmd.Process.Pid
	h.kill(t)
	pid, _, _, ok := parseLockFile(filepath.Join(dir, lockFileName))
	if !ok || pid != childPID {
		t.Fatalf("lock file names PID %d (ok %v), want the dead child %d", pid, ok, childPID)
	}
	s, err := Open(dir, "")
	if err != nil {
		t.Fatalf("Open after the owner died: %v", err)
	}
	defer s.Close()
	pid, _, _, _ = parseLockFile(filepath.Join(dir, lockFileName))
	if pid != os.Getpid() {
		t.Fatalf("lock file names PID %d, want %d", pid, os.Getpid())
	}
}

func TestForeignDuckDBOpenIsInUse(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, "") // create the file
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	h, _ := startHelper(t, "rawopen", dir)
	_, err = Open(dir, "")
	var inUse *InUseError
	if !errors.As(err, &inUse) {
		t.Fatalf("Open while another process has the file: %v, want *InUseError", err)
	}
	if inUse.PID != h.cmd.Process.Pid {
		t.Fatalf("got PID %d, want %d", inUse.PID, h.cmd.Process.Pid)
	}
	if !strings.Contains(err.Error(), "another program has the catalog file open") {
		t.Errorf("message %q does not say another program holds the file", err)
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, "*.corrupt-*")); len(matches) != 0 {
		t.Fatalf("a lock conflict moved files aside: %v", matches)
	}
	h.stop(t)
	s, err = Open(dir, "") // the app lock was released by the failed Open
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestInUseErrorText(t *testing.T) {
	tests := []struct {
		err  InUseError
		want string
	}{
		{InUseError{PID: 42}, "catalog in use by PID 42"},
		{InUseError{PID: 42, What: "restore"}, "catalog in use by PID 42 (restore)"},
		{InUseError{}, "catalog in use by another process"},
		{InUseError{PID: 7, What: "rewind (desktop app)", Since: time.Date(2026, 12, 4, 18, 40, 1, 0, time.Local)},
			"catalog in use by PID 7 (rewind (desktop app), since 2026-12-04 18:40:01 " + time.Date(2026, 12, 4, 18, 40, 1, 0, time.Local).Format("MST") + ")"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
		if !errors.Is(fmt.Errorf("wrapped: %w", &tt.err), ErrInUse) {
			t.Errorf("%q does not match ErrInUse", tt.want)
		}
	}
}

func TestSetWhatKeepsOneLine(t *testing.T) {
	s, dir := newFileStore(t)
	if err := s.SetWhat("a long description\nwith a newline"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetWhat("short"); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, lockFileName))
	if err != nil {
		t.Fatal(err)
	}
	want := strconv.Itoa(os.Getpid()) + "\nshort\n" + s.lock.since.UTC().Format(time.RFC3339) + "\n"
	if string(b) != want {
		t.Fatalf("lock file %q, want %q", b, want)
	}
	if err := s.SetWhat("x\ny"); err != nil {
		t.Fatal(err)
	}
	_, what, _, _ := parseLockFile(filepath.Join(dir, lockFileName))
	if strings.Contains(what, "\n") || what != "x y" {
		t.Fatalf("what %q, want %q", what, "x y")
	}
}

func TestOpenRejectsURLCharacters(t *testing.T) {
	for _, name := range []string{"a?b", "50%"} {
		dir := filepath.Join(t.TempDir(), name)
		if _, err := Open(dir, ""); !errors.Is(err, ErrInvalid) {
			t.Errorf("%q: got %v, want ErrInvalid", name, err)
		}
		if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%q: created the directory (%v)", name, err)
		}
	}
}
