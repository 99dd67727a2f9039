package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"rewind/backend/durable"
)

// dsnOptions caps DuckDB's buffer memory: the catalog is small, and the
// process has a memory budget for backups and restores (docs/architecture.md, "Resources").
const dsnOptions = "?memory_limit=256MB"

// connect opens a DuckDB database ("" = in memory). Connections of the
// returned pool share one database instance; closing the pool closes it.
func connect(dbPath string) (*sql.DB, error) {
	// The driver reads the DSN as a URL: a path with '?' or '%' would open
	// another file.
	if strings.ContainsAny(dbPath, "?%") {
		return nil, invalidf("catalog path %q contains '?' or '%%', which DuckDB cannot open", dbPath)
	}
	c, err := duckdb.NewConnector(dbPath+dsnOptions, nil)
	if err != nil {
		return nil, err
	}
	db := sql.OpenDB(c)
	if err := db.Ping(); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	return db, nil
}

// openCatalog opens, checks and migrates the catalog file. A damaged file is
// set aside and a new catalog made in its place. When the catalog lost
// something, the deployments and settings are restored from the settings
// file and the backups marked for a rebuild from the archives; otherwise
// the settings file is brought up to date.
func openCatalog(ctx context.Context, dbPath string) (*Store, error) {
	_, statErr := os.Lstat(dbPath)
	s, err := openChecked(ctx, dbPath)
	if isBroken(err) {
		s, err = replaceBroken(ctx, dbPath, err)
	}
	if err != nil {
		return nil, err
	}
	restore, pending, err := s.lostSomething(ctx, errors.Is(statErr, os.ErrNotExist))
	if err == nil && !restore && !pending {
		err = s.writeSettings(ctx) // no one else has s yet
	}
	if err == nil && restore {
		var done string
		done, err = s.restoreSettings(ctx)
		s.warnings = append(s.warnings, done)
	}
	if err != nil {
		return nil, errors.Join(err, s.db.Close())
	}
	return s, nil
}

// replaceBroken sets the damaged catalog file aside and opens a new one.
func replaceBroken(ctx context.Context, dbPath string, cause error) (*Store, error) {
	aside, err := setAside(dbPath)
	if err != nil {
		return nil, errors.Join(cause, err)
	}
	s, err := openChecked(ctx, dbPath)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("create a new catalog after keeping the damaged one as %s: %w", filepath.Base(aside), err), cause)
	}
	s.warnings = append(s.warnings, fmt.Sprintf("the catalog %s could not be read (%s); it was kept as %s and a new catalog was created",
		DBFileName, firstLine(cause), filepath.Base(aside)))
	return s, nil
}

// lostSomething reports whether the open catalog lacks what the settings
// file holds: it was missing (while the settings file was not), damaged or
// opened without its WAL (both warned of), or a restore was interrupted.
// pending reports a rebuild still to be done, when restore is false.
func (s *Store) lostSomething(ctx context.Context, missing bool) (restore, pending bool, err error) {
	if missing {
		if _, err := os.Stat(s.settingsPath()); err == nil {
			s.warnings = append(s.warnings, "the catalog "+DBFileName+" was missing; a new one was created")
		}
	}
	if len(s.warnings) > 0 {
		return true, false, nil
	}
	p, err := s.pending(ctx)
	if err != nil || p == nil || p.Restored {
		return false, p != nil, err
	}
	s.warnings = append(s.warnings, "an interrupted restore of the deployments' settings is run again")
	return true, true, nil
}

// openChecked opens the catalog file, checks that it is whole and applies
// pending migrations.
func openChecked(ctx context.Context, dbPath string) (*Store, error) {
	db, warnings, err := openFile(dbPath)
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, path: dbPath, warnings: warnings}
	if err := s.probe(ctx); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	if err := s.migrate(ctx); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	return s, nil
}

func firstLine(err error) string {
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return msg
}

// openFile opens the catalog file. If DuckDB refuses it and a WAL exists, the
// WAL is moved aside and the open retried once; if the retry fails too, the
// WAL is put back, so that nothing is lost to a fault that was not the WAL's.
func openFile(dbPath string) (*sql.DB, []string, error) {
	db, err := connect(dbPath)
	if err == nil {
		return db, []string{}, nil
	}
	if errors.Is(err, ErrInvalid) {
		return nil, nil, err
	}
	if inUse, ok := duckLockConflict(err); ok {
		return nil, nil, inUse
	}
	openErr := fmt.Errorf("open catalog: %w", err)
	wal := dbPath + ".wal"
	if _, statErr := os.Lstat(wal); statErr != nil {
		return nil, nil, openErr
	}
	cause := err
	aside, err := moveAside(wal, "corrupt")
	if err != nil {
		return nil, nil, errors.Join(openErr, fmt.Errorf("move write-ahead log aside: %w", err))
	}
	db, retryErr := connect(dbPath)
	if retryErr != nil {
		if err := durable.Rename(aside, wal); err != nil {
			return nil, nil, errors.Join(openErr, fmt.Errorf("put write-ahead log back from %s: %w", aside, err))
		}
		return nil, nil, openErr
	}
	warn := fmt.Sprintf("the catalog's write-ahead log could not be replayed (%v); "+
		"it was kept as %s and the catalog opened without it, so changes since the last "+
		"checkpoint may be missing", cause, filepath.Base(aside))
	return db, []string{warn}, nil
}

// moveAside renames path to asideName(path, kind, now), durably, and returns
// the new name. Nothing the catalog recovers from is ever deleted.
func moveAside(path, kind string) (string, error) {
	name := asideName(path, kind, time.Now().UTC())
	return name, durable.Rename(path, name)
}

// asideName is <path>.<kind>-<UTC time>, with a counter when that name is taken.
func asideName(path, kind string, t time.Time) string {
	base := path + "." + kind + "-" + t.Format("20060102T150405Z")
	name := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(name); errors.Is(err, os.ErrNotExist) {
			return name
		}
		name = base + "-" + strconv.Itoa(i)
	}
}
