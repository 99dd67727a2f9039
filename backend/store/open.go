package store

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// dsnOptions caps DuckDB's buffer memory: the catalog is small, and the
// process has a memory budget for backups and restores (PERF.md).
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
	aside := asideName(wal, time.Now().UTC())
	if err := os.Rename(wal, aside); err != nil {
		return nil, nil, errors.Join(openErr, fmt.Errorf("move write-ahead log aside: %w", err))
	}
	db, retryErr := connect(dbPath)
	if retryErr != nil {
		if err := os.Rename(aside, wal); err != nil {
			return nil, nil, errors.Join(openErr, fmt.Errorf("put write-ahead log back from %s: %w", aside, err))
		}
		return nil, nil, openErr
	}
	warn := fmt.Sprintf("the catalog's write-ahead log could not be replayed (%v); "+
		"it was kept as %s and the catalog opened without it, so changes since the last "+
		"checkpoint may be missing: rebuild the catalog from the archives", err, filepath.Base(aside))
	return db, []string{warn}, nil
}

// asideName is <wal>.corrupt-<UTC time>, with a counter when that name is taken.
func asideName(wal string, t time.Time) string {
	base := wal + ".corrupt-" + t.Format("20060102T150405Z")
	name := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(name); errors.Is(err, os.ErrNotExist) {
			return name
		}
		name = base + "-" + strconv.Itoa(i)
	}
}
