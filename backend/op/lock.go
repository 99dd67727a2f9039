package op

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"golang.org/x/sys/unix"

	"rewind/backend/deployment"
	"rewind/backend/metadir"
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

// flock is an exclusive, non-blocking flock on a file. It works across
// processes and between goroutines of one process (each Acquire opens its own
// file description). The kernel releases it when the process dies, so a stale
// lock file never blocks.
type flock struct {
	f *os.File
}

// acquire takes the lock at path, recording what holds it, or returns a
// *BusyError naming the holder. name is used in the error message. The
// lock's directory is created when missing (its parent must exist); neither
// it nor the lock file is followed when it is a symbolic link (*metadir.LinkError).
func acquire(path, name, what string) (*flock, error) {
	if err := metadir.OwnDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	f, err := metadir.OpenOwnFile(path, os.O_RDWR)
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
	return &flock{f: f}, nil
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
func (l *flock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	l.f.Truncate(0)
	err := l.f.Close() // closing the descriptor releases the flock
	l.f = nil
	return err
}

type heldKey struct{}

// Lock takes the deployment's operation lock for what, or returns a
// *BusyError naming the operation that holds it. When ctx already holds it
// (an operation inside another: a restore's safety copy, an upgrade's
// pre-upgrade backup) it is not taken again. The returned context carries
// the lock; release drops it (a no-op for a lock ctx held already).
//
// The project directory is never recreated: an empty directory where a disk
// should be mounted would hide the data, and containers would start on it.
func Lock(ctx context.Context, dep deployment.Deployment, what string) (_ context.Context, release func(), _ error) {
	path := dep.LockPath()
	held, _ := ctx.Value(heldKey{}).([]string)
	if slices.Contains(held, path) {
		return ctx, func() {}, nil
	}
	if _, err := deployment.CheckDir(dep.Path); err != nil {
		return ctx, nil, fmt.Errorf("%w; Rewind keeps its lock there and never recreates a missing project directory: put it back (or mount its disk) and try again", err)
	}
	l, err := acquire(path, "deployment "+dep.Name, what)
	if err != nil {
		return ctx, nil, err
	}
	ctx = context.WithValue(ctx, heldKey{}, append(slices.Clip(held), path))
	return ctx, func() { l.Release() }, nil
}

// Holds reports whether ctx holds the deployment's lock: the caller runs
// inside another operation of that deployment.
func Holds(ctx context.Context, dep deployment.Deployment) bool {
	held, _ := ctx.Value(heldKey{}).([]string)
	return slices.Contains(held, dep.LockPath())
}
