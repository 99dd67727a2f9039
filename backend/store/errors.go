package store

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Sentinel errors, matched with errors.Is.
var (
	// ErrNotFound: the requested row does not exist.
	ErrNotFound = errors.New("not found")
	// ErrInUse: another process owns the catalog. The concrete error is an *InUseError.
	ErrInUse = errors.New("catalog in use")
	// ErrDuplicateName: a backup or deployment with this name already exists.
	ErrDuplicateName = errors.New("name already exists")
	// ErrDuplicatePath: a deployment with this path already exists.
	ErrDuplicatePath = errors.New("deployment path already registered")
	// ErrInvalid: the caller passed a value the catalog refuses (relative path,
	// unknown status, empty name, malformed JSON).
	ErrInvalid = errors.New("invalid value")
	// ErrClosed: the store was closed.
	ErrClosed = errors.New("catalog closed")
)

// InUseError reports that another process holds the catalog.
type InUseError struct {
	PID   int       // owner's process ID, 0 when unknown
	What  string    // what the owner is doing (its command), when it said so
	Since time.Time // when the owner took the catalog, zero when unknown
}

// Error names the owner: "catalog in use by PID 42 (rewind backup create
// shop, since 2026-12-04 18:40:01 UTC)".
func (e *InUseError) Error() string {
	var b strings.Builder
	if e.PID > 0 {
		fmt.Fprintf(&b, "catalog in use by PID %d", e.PID)
	} else {
		b.WriteString("catalog in use by another process")
	}
	var about []string
	if e.What != "" {
		about = append(about, e.What)
	}
	if !e.Since.IsZero() {
		about = append(about, "since "+e.Since.Local().Format("2006-01-02 15:04:05 MST"))
	}
	if len(about) > 0 {
		fmt.Fprintf(&b, " (%s)", strings.Join(about, ", "))
	}
	return b.String()
}

// Is makes errors.Is(err, ErrInUse) true.
func (e *InUseError) Is(target error) bool { return target == ErrInUse }

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// isConflict reports a DuckDB optimistic-concurrency conflict: the transaction
// was rolled back and may be retried.
func isConflict(err error) bool {
	var de *duckdb.Error
	if !errors.As(err, &de) {
		return false
	}
	return de.Type == duckdb.ErrorTypeTransaction && strings.Contains(strings.ToLower(de.Msg), "conflict")
}

// isCheckpointBusy reports a CHECKPOINT refused because other transactions run.
func isCheckpointBusy(err error) bool {
	var de *duckdb.Error
	return errors.As(err, &de) && de.Type == duckdb.ErrorTypeTransaction &&
		strings.Contains(de.Msg, "CHECKPOINT")
}

// uniqueViolation returns the column named by a unique-constraint violation,
// or "" when err is not one. DuckDB reports `Duplicate key "col: value"`.
func uniqueViolation(err error) string {
	var de *duckdb.Error
	if !errors.As(err, &de) || de.Type != duckdb.ErrorTypeConstraint {
		return ""
	}
	const marker = `Duplicate key "`
	i := strings.Index(de.Msg, marker)
	if i < 0 {
		return ""
	}
	rest := de.Msg[i+len(marker):]
	col, _, ok := strings.Cut(rest, ":")
	if !ok {
		return ""
	}
	return col
}

var lockPIDPattern = regexp.MustCompile(`\(PID (\d+)\)`)

// duckLockConflict recognises DuckDB's own file-lock refusal ("Could not set
// lock on file ... Conflicting lock is held in ... (PID n)") and turns it into
// an *InUseError.
func duckLockConflict(err error) (*InUseError, bool) {
	if err == nil {
		return nil, false
	}
	msg := err.Error()
	if !strings.Contains(msg, "Conflicting lock") && !strings.Contains(msg, "Could not set lock") {
		return nil, false
	}
	// Rewind takes its own lock first, so the holder is another program.
	e := &InUseError{What: "another program has the catalog file open"}
	if m := lockPIDPattern.FindStringSubmatch(msg); m != nil {
		e.PID, _ = strconv.Atoi(m[1])
	}
	return e, true
}
