// Package journal serialises mutating operations and records their steps so
// that an interrupted operation can be finished or undone at the next start.
package journal

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// ErrBusy matches a BusyError.
var ErrBusy = errors.New("busy")

// Holder describes who holds a lock.
type Holder struct {
	PID   int       `json:"pid"`
	What  string    `json:"what"`
	Since time.Time `json:"since"`
}

// BusyError says that another operation holds the lock.
type BusyError struct {
	Name   string // what is locked, e.g. the deployment's name
	Holder Holder
}

func (e *BusyError) Error() string {
	what := e.Holder.What
	if what == "" {
		what = "another operation"
	}
	s := fmt.Sprintf("%s is busy: %s is running", e.Name, what)
	if e.Holder.PID > 0 {
		s += fmt.Sprintf(" (PID %d", e.Holder.PID)
		if !e.Holder.Since.IsZero() {
			s += ", since " + e.Holder.Since.Local().Format("15:04:05")
		}
		s += ")"
	}
	return s + "; wait for it to finish"
}

// Is makes errors.Is(err, ErrBusy) true.
func (e *BusyError) Is(target error) bool { return target == ErrBusy }

// Lock is an exclusive, non-blocking flock on a file. It works across
// processes and between goroutines of one process (each Acquire opens its own
// file description). The kernel releases it when the process dies, so a stale
// lock file never blocks.
type Lock struct {
	f *os.File
}

// Acquire takes the lock at path, recording what holds it, or returns a
// *BusyError naming the holder. name is used in the error message. The
// lock's directory is created when missing (its parent must exist); neither
// it nor the lock file is followed when it is a symbolic link (*LinkError).
func Acquire(path, name, what string) (*Lock, error) {
	if err := OwnDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	f, err := OpenOwnFile(path, os.O_RDWR)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, &BusyError{Name: name, Holder: ReadHolder(path)}
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	h := Holder{PID: os.Getpid(), What: what, Since: time.Now().UTC()}
	b, _ := json.Marshal(h)
	if err := f.Truncate(0); err == nil {
		f.WriteAt(b, 0)
	}
	return &Lock{f: f}, nil
}

// ReadHolder reads the description a holder left in the lock file.
func ReadHolder(path string) Holder {
	var h Holder
	if b, err := os.ReadFile(path); err == nil {
		json.Unmarshal(b, &h)
	}
	return h
}

// Release drops the lock. It is safe to call on a nil Lock and more than once.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	l.f.Truncate(0)
	err := l.f.Close() // closing the descriptor releases the flock
	l.f = nil
	return err
}
