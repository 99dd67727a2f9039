package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// lockFileName is the app lock beside the catalog. It is a separate file:
// the DuckDB file itself is never opened by path (docs/architecture.md, "The catalog").
const lockFileName = "rewind.lock"

// appLock is an exclusive, non-blocking OS lock (flock on Unix, LockFileEx on
// Windows) on <state>/rewind.lock. The kernel drops it when the process dies,
// so a lock file left by a dead process never blocks. The file holds the
// owner's PID on the first line, what it is doing on the second (the command,
// e.g. "rewind backup create shop") and since when on the third (RFC 3339).
type appLock struct {
	mu    sync.Mutex
	f     *os.File
	since time.Time
}

// acquireLock takes the lock or fails at once with an *InUseError naming the
// owner. what is written with the PID, so a second process always learns
// what holds the catalog.
func acquireLock(path, what string) (*appLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	held, err := tryLock(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if !held {
		f.Close()
		return nil, readOwner(path)
	}
	l := &appLock{f: f, since: time.Now()}
	if err := l.setWhat(what); err != nil {
		l.release()
		return nil, err
	}
	return l, nil
}

// setWhat rewrites the owner description. The PID line never changes, so a
// reader racing with this write still parses the right PID.
func (l *appLock) setWhat(what string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return ErrClosed
	}
	content := []byte(strconv.Itoa(os.Getpid()) + "\n" + oneLine(what) + "\n" + l.since.UTC().Format(time.RFC3339) + "\n")
	if _, err := l.f.WriteAt(content, 0); err != nil {
		return fmt.Errorf("write lock file: %w", err)
	}
	if err := l.f.Truncate(int64(len(content))); err != nil {
		return fmt.Errorf("write lock file: %w", err)
	}
	return nil
}

// release clears the owner description and drops the lock.
func (l *appLock) release() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	truncErr := l.f.Truncate(0)
	err := errors.Join(unlock(l.f), l.f.Close())
	l.f = nil
	if err != nil {
		return fmt.Errorf("release app lock: %w", err)
	}
	if truncErr != nil {
		return fmt.Errorf("release app lock: %w", truncErr)
	}
	return nil
}

// readOwner builds the InUseError from the lock file. The owner writes its PID
// right after taking the lock, so an empty file is re-read for a moment.
func readOwner(path string) error {
	e := &InUseError{}
	for attempt := 0; attempt < 20; attempt++ {
		pid, what, since, ok := parseLockFile(path)
		if ok {
			e.PID, e.What, e.Since = pid, what, since
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	return e
}

// parseLockFile reads the owner's PID, what it does and since when (zero
// when the owner did not say, as versions before the third line).
func parseLockFile(path string) (pid int, what string, since time.Time, ok bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", time.Time{}, false
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 4096))
	if err != nil {
		return 0, "", time.Time{}, false
	}
	first, rest, _ := bytes.Cut(b, []byte("\n"))
	pid, err = strconv.Atoi(strings.TrimSpace(string(first)))
	if err != nil || pid <= 0 {
		return 0, "", time.Time{}, false
	}
	second, rest, _ := bytes.Cut(rest, []byte("\n"))
	third, _, _ := bytes.Cut(rest, []byte("\n"))
	since, _ = time.Parse(time.RFC3339, strings.TrimSpace(string(third)))
	return pid, strings.TrimSpace(string(second)), since, true
}

// oneLine keeps a description on one line of bounded length.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
	const maxLen = 200
	if len(s) > maxLen {
		s = s[:maxLen]
	}
	return strings.TrimSpace(s)
}
