package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"rewind/backend/archive"
)

// DirSize is one row of a backup's size breakdown.
type DirSize struct {
	Path  string `json:"path"`  // the first depth components of the entries' paths
	Bytes int64  `json:"bytes"` // regular file content bytes below Path
	Files int64  `json:"files"` // regular files below Path
}

// appendEntries bulk-inserts entries with DuckDB's Appender on c, inside the
// transaction open on c. A VARCHAR holds only valid UTF-8 while a file name
// is any bytes, so paths and link targets are stored as archive.EscapeName
// spells them: the name itself when it is printable UTF-8 without a
// backslash (every name of earlier versions), otherwise an escaped form that
// is safe to show and that BackupEntries turns back into the exact bytes.
func appendEntries(c *sql.Conn, backupID int64, entries []archive.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	return c.Raw(func(dc any) (err error) {
		conn, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("append entries: unexpected driver connection %T", dc)
		}
		a, err := duckdb.NewAppender(conn, "", "", "backup_entries")
		if err != nil {
			return fmt.Errorf("append entries: %w", err)
		}
		defer func() {
			if cerr := a.Close(); cerr != nil {
				err = errors.Join(err, fmt.Errorf("append entries: %w", cerr))
			}
		}()
		id := int32(backupID)
		for i, e := range entries {
			var mtime any
			if !e.MTime.IsZero() {
				mtime = e.MTime.UTC()
			}
			if err := a.AppendRow(id, int32(i), archive.EscapeName(e.Path), e.Type, e.Size, int32(e.Mode), mtime,
				int64(e.UID), int64(e.GID), nullString(archive.EscapeName(e.Link)), nullString(e.SHA256)); err != nil {
				return fmt.Errorf("append entry %q: %w", e.Path, err)
			}
		}
		return nil
	})
}

// validText is s with each byte that is not UTF-8 spelled \xNN. DuckDB
// refuses to bind such text (or stores NULL), and a message that names an
// odd file holds the file's bytes: the failure must still be recorded.
func validText(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			fmt.Fprintf(&b, `\x%02x`, s[i])
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// BackupEntries returns the backup's archived entries in archive order, with
// their exact paths. Never nil.
func (s *Store) BackupEntries(ctx context.Context, backupID int64) ([]archive.Entry, error) {
	if err := s.alive(); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT path, type, size, mode, mtime, uid, gid, link, sha256
		FROM backup_entries WHERE backup_id = ? ORDER BY seq`, backupID)
	if err != nil {
		return nil, fmt.Errorf("query entries: %w", err)
	}
	defer rows.Close()
	list := []archive.Entry{}
	for rows.Next() {
		var (
			e          archive.Entry
			mode       int64
			mtime      sql.NullTime
			uid, gid   sql.NullInt64
			link, hash sql.NullString
		)
		if err := rows.Scan(&e.Path, &e.Type, &e.Size, &mode, &mtime, &uid, &gid, &link, &hash); err != nil {
			return nil, fmt.Errorf("scan entry: %w", err)
		}
		e.Mode = uint32(mode)
		if mtime.Valid {
			e.MTime = mtime.Time.UTC()
		}
		e.UID, e.GID = int(uid.Int64), int(gid.Int64)
		e.SHA256 = hash.String
		if e.Path, err = archive.UnescapeName(e.Path); err != nil {
			return nil, fmt.Errorf("entry of backup %d: path: %w", backupID, err)
		}
		if e.Link, err = archive.UnescapeName(link.String); err != nil {
			return nil, fmt.Errorf("entry of backup %d: link: %w", backupID, err)
		}
		list = append(list, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query entries: %w", err)
	}
	return list, nil
}

// SizeBreakdown sums the backup's regular files by the first depth components
// of their paths (depth < 1 counts as 1), largest first. Paths are spelled
// as archive.EscapeName does, safe to show. A file shallower than
// depth is its own row. Groups without files are left out. Never nil.
func (s *Store) SizeBreakdown(ctx context.Context, backupID int64, depth int) ([]DirSize, error) {
	if err := s.alive(); err != nil {
		return nil, err
	}
	depth = max(depth, 1)
	rows, err := s.db.QueryContext(ctx, `
		SELECT array_to_string(list_slice(string_split(path, '/'), 1, ?), '/') AS dir,
		       CAST(sum(size) AS BIGINT) AS bytes,
		       count(*) AS files
		FROM backup_entries
		WHERE backup_id = ? AND type = ?
		GROUP BY dir
		ORDER BY bytes DESC, dir`, depth, backupID, archive.TypeFile)
	if err != nil {
		return nil, fmt.Errorf("size breakdown: %w", err)
	}
	defer rows.Close()
	list := []DirSize{}
	for rows.Next() {
		var d DirSize
		if err := rows.Scan(&d.Path, &d.Bytes, &d.Files); err != nil {
			return nil, fmt.Errorf("size breakdown: %w", err)
		}
		list = append(list, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("size breakdown: %w", err)
	}
	return list, nil
}

// EntryCount returns how many entries the catalog holds for the backup.
func (s *Store) EntryCount(ctx context.Context, backupID int64) (int64, error) {
	if err := s.alive(); err != nil {
		return 0, err
	}
	var n int64
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM backup_entries WHERE backup_id = ?`,
		backupID).Scan(&n); err != nil {
		return 0, fmt.Errorf("count entries: %w", err)
	}
	return n, nil
}
