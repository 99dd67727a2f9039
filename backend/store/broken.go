package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"rewind/backend/durable"
)

// ErrBroken: the catalog file is damaged (empty, truncated, not a DuckDB
// database). Open moves such a file aside and starts a new catalog.
var ErrBroken = errors.New("catalog file is damaged")

// brokenSigns are what DuckDB says of a file that is not, or no longer, a
// whole database. Errors that are not the file's (permissions, a lock, a
// full disk, a newer format) are not among them: such a file is left alone.
var brokenSigns = []string{
	"not a valid DuckDB database file",
	"Could not read enough bytes",
	"Corrupt database file",
	"checksum",
}

// isBroken reports whether err says the catalog file itself is damaged.
func isBroken(err error) bool {
	if err == nil || errors.Is(err, ErrInUse) || errors.Is(err, ErrInvalid) {
		return false
	}
	if errors.Is(err, ErrBroken) {
		return true
	}
	msg := err.Error()
	for _, s := range brokenSigns {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// DuckDB's file layout: three 4 KiB headers, then the blocks.
const fileHeaderBytes = 3 * 4096

// probe checks that the catalog file holds all its blocks. A file cut short
// may still open (its headers are intact) and fail only when a query reaches
// a missing block, so when the file is shorter than its blocks every table
// is read to the end: a missing block that holds data shows there, now,
// rather than in the middle of an operation. The file is only stat'ed
// (docs/architecture.md, "The catalog").
func (s *Store) probe(ctx context.Context) error {
	fi, err := os.Stat(s.path)
	if err != nil {
		return fmt.Errorf("stat catalog: %w", err)
	}
	var name, size, wal, mem, memLimit string
	var blockSize, total, used, free int64
	if err := s.db.QueryRowContext(ctx, `PRAGMA database_size`).Scan(&name, &size, &blockSize,
		&total, &used, &free, &wal, &mem, &memLimit); err != nil {
		return fmt.Errorf("read catalog size: %w", err)
	}
	if fi.Size() >= fileHeaderBytes+total*blockSize {
		return nil
	}
	tables, err := s.tableNames(ctx)
	if err != nil {
		return err
	}
	for _, t := range tables {
		if err := s.readAll(ctx, t); err != nil {
			return fmt.Errorf("%w: the file is %d bytes, its %d blocks need %d: read table %s: %w",
				ErrBroken, fi.Size(), total, fileHeaderBytes+total*blockSize, t, err)
		}
	}
	return nil
}

func (s *Store) tableNames(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("list tables: %w", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// readAll reads every column of every row of table.
func (s *Store) readAll(ctx context.Context, table string) error {
	rows, err := s.db.QueryContext(ctx, `SELECT * FROM "`+strings.ReplaceAll(table, `"`, `""`)+`"`)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
	}
	return rows.Err()
}

// setAside moves a damaged catalog file, and its WAL if there is one, aside
// as <db>.broken-<UTC time> (and <that>.wal), and returns the new name.
func setAside(dbPath string) (string, error) {
	aside, err := moveAside(dbPath, "broken")
	if err != nil {
		return "", fmt.Errorf("move the damaged catalog aside: %w", err)
	}
	if _, err := os.Lstat(dbPath + ".wal"); err == nil {
		if err := durable.Rename(dbPath+".wal", aside+".wal"); err != nil {
			return aside, fmt.Errorf("move the damaged catalog's write-ahead log aside: %w", err)
		}
	}
	return aside, nil
}
