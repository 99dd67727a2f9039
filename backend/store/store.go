// Package store is Rewind's catalog: a DuckDB file at <state>/rewind.duckdb,
// created and migrated from the SQL files in package migrations, and owned by
// one process at a time through an app lock on <state>/rewind.lock.
//
// Every write commits, then checkpoints, so that the WAL stays short (DuckDB's
// WAL replay has had bugs after crashes). The catalog is an index: everything
// it holds about a backup can be rebuilt from the archives. Times are stored
// as UTC TIMESTAMP (microseconds; entry mtimes in nanoseconds) and returned as
// time.Time in UTC.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" driver
)

// DBFileName is the catalog's file name inside the state directory.
const DBFileName = "rewind.duckdb"

// Store is the open catalog. It is safe for concurrent use.
type Store struct {
	db       *sql.DB
	lock     *appLock // nil for in-memory stores
	path     string   // database file, "" in memory
	warnings []string

	ckMu   sync.Mutex // serialises CHECKPOINT
	saveMu sync.Mutex // serialises reading the catalog and writing the settings file
	mu     sync.Mutex
	closed bool

	noCheckpoint bool // tests only: leave commits in the WAL
}

// Open takes the app lock on <stateDir>/rewind.lock, opens (creating if
// needed) <stateDir>/rewind.duckdb and applies pending migrations.
//
// When another process holds the lock, Open fails at once with an *InUseError
// (errors.Is(err, ErrInUse)). When the WAL cannot be replayed, it is renamed
// to rewind.duckdb.wal.corrupt-<UTC time> (never deleted), the catalog opens
// without it, and Warnings says so: the caller should tell the admin and
// rebuild the catalog from the archives.
//
// When the catalog file itself is damaged (empty, cut short, not a DuckDB
// file), it is kept as rewind.duckdb.broken-<UTC time> (never deleted), a new
// catalog is created with the deployments of the settings file
// (SettingsFileName), and PendingRebuild reports that their backups are to
// be rebuilt from the archives; Warnings says so.
//
// what says from the start what the process is (its command, e.g.
// "rewind backup create"), as SetWhat would; "" says nothing.
func Open(stateDir, what string) (*Store, error) {
	if stateDir == "" {
		return nil, invalidf("empty state directory")
	}
	if strings.ContainsAny(stateDir, "?%") {
		return nil, invalidf("state directory %q contains '?' or '%%', which DuckDB cannot open", stateDir)
	}
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return nil, fmt.Errorf("create state directory: %w", err)
	}
	lock, err := acquireLock(filepath.Join(stateDir, lockFileName), what)
	if err != nil {
		return nil, err
	}
	s, err := openCatalog(context.Background(), filepath.Join(stateDir, DBFileName))
	if err != nil {
		return nil, errors.Join(err, lock.release())
	}
	s.lock = lock
	return s, nil
}

// Close closes the database, then releases the app lock. It is idempotent.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.mu.Unlock()
	err := s.db.Close()
	if err != nil {
		err = fmt.Errorf("close catalog: %w", err)
	}
	if s.lock != nil {
		err = errors.Join(err, s.lock.release())
	}
	return err
}

// Warnings lists problems Open recovered from (a WAL moved aside). Never nil.
func (s *Store) Warnings() []string {
	return append([]string{}, s.warnings...)
}

// Path is the database file's path, "" for an in-memory catalog. Callers may
// Stat it but must never open it (docs/architecture.md, "The catalog").
func (s *Store) Path() string { return s.path }

// SetWhat records, in the lock file, what the owning process is doing, so a
// second process can say what holds the catalog. A no-op in memory.
func (s *Store) SetWhat(what string) error {
	if s.lock == nil {
		return nil
	}
	return s.lock.setWhat(what)
}

func (s *Store) alive() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	return nil
}

// Dir returns the state directory that holds the catalog, "" in memory.
func (s *Store) Dir() string {
	if s.path == "" {
		return ""
	}
	return filepath.Dir(s.path)
}
