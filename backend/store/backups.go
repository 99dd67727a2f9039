package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"rewind/backend/archive"
)

// Backup record statuses.
const (
	StatusInProgress = "in_progress"
	StatusCompleted  = "completed"
	StatusFailed     = "failed"
	StatusCorrupt    = "corrupt"
)

// Backup record origins: how the point came into this catalog.
const (
	OriginCreated = "created" // Rewind made it here
	OriginAdopted = "adopted" // an archive taken in: import, catalog rebuild
)

// Backup is one catalog record in backup_records.
type Backup struct {
	ID           int64           `json:"id"`
	DeploymentID int64           `json:"-"` // 0 = none
	Name         string          `json:"name"`
	Type         string          `json:"type"`
	Status       string          `json:"status"`
	Version      string          `json:"version"`
	Path         string          `json:"path"` // absolute
	Size         int64           `json:"size"`
	FileCount    int64           `json:"fileCount"`
	SHA256       string          `json:"sha256"`
	Compression  string          `json:"compression"`
	Description  string          `json:"description"`
	Metadata     json.RawMessage `json:"-"`                          // the manifest
	CreatedAt    time.Time       `json:"createdAt" ts_type:"string"` // when the point was taken (an adopted archive's own time)
	RecordedAt   time.Time       `json:"-"`                          // when this catalog recorded it; set at insert
	Origin       string          `json:"-"`                          // OriginCreated, OriginAdopted, or "" (recorded before origins were)
	ExpiresAt    *time.Time      `json:"-"`
	VerifiedAt   *time.Time      `json:"verifiedAt" ts_type:"string"`
	Error        string          `json:"error,omitempty"`
	// Warnings are what the backup completed with (a file changed while
	// it was read, a special file skipped): not a clean copy. Never nil
	// when read from the catalog.
	Warnings []string `json:"warnings"`
}

const backupColumns = `id, deployment_id, backup_name, backup_type, status, source_version,
	backup_path, backup_size, file_count, backup_hash, compression_type, description,
	backup_metadata::VARCHAR, created_at, expires_at, verified_at, error, recorded_at, origin,
	warnings::VARCHAR`

func (b Backup) validate() error {
	if b.Name == "" {
		return invalidf("empty backup name")
	}
	if b.Type == "" {
		return invalidf("empty backup type")
	}
	if !filepath.IsAbs(b.Path) {
		return invalidf("backup path %q is not absolute", b.Path)
	}
	return nil
}

// backupDuplicate maps the backup_name unique violation to ErrDuplicateName.
func backupDuplicate(err error, name string) error {
	if uniqueViolation(err) == "backup_name" {
		return fmt.Errorf("backup %q: %w", name, ErrDuplicateName)
	}
	return err
}

// insertBackupSQL inserts every column a caller can set.
const insertBackupSQL = `INSERT INTO backup_records (deployment_id, backup_name, backup_type, status,
	source_version, backup_path, backup_size, file_count, backup_hash, compression_type, description,
	backup_metadata, created_at, expires_at, verified_at, error, recorded_at, origin, warnings)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`

// backupArgs are insertBackupSQL's arguments. recorded_at is always now:
// the recording is Rewind's own fact, never taken from the caller.
func backupArgs(b Backup, status, origin string) ([]any, error) {
	meta, err := rawJSON(b.Metadata)
	if err != nil {
		return nil, err
	}
	recorded := now()
	created := b.CreatedAt
	if created.IsZero() {
		created = recorded
	}
	warnings, err := warningsJSON(b.Warnings)
	if err != nil {
		return nil, err
	}
	compression := b.Compression
	if compression == "" {
		compression = string(archive.Gzip)
	}
	return []any{nullID(b.DeploymentID), b.Name, b.Type, status, nullString(b.Version),
		filepath.Clean(b.Path), b.Size, b.FileCount, nullString(b.SHA256), compression,
		nullString(b.Description), meta, created.UTC(), dbTimePtr(b.ExpiresAt),
		dbTimePtr(b.VerifiedAt), nullString(b.Error), recorded.UTC(), origin, warnings}, nil
}

// InsertBackup records a backup about to be written, with status in_progress.
// A name already taken gives ErrDuplicateName.
func (s *Store) InsertBackup(ctx context.Context, b Backup) (int64, error) {
	if err := b.validate(); err != nil {
		return 0, err
	}
	args, err := backupArgs(b, StatusInProgress, OriginCreated)
	if err != nil {
		return 0, err
	}
	id, err := s.insertID(ctx, insertBackupSQL, args...)
	if err != nil {
		return 0, fmt.Errorf("insert backup: %w", backupDuplicate(err, b.Name))
	}
	return id, nil
}

// BeginBackup records a backup about to be written (as InsertBackup) and
// journals its operation (as BeginOperation) in one transaction: one commit
// and one checkpoint (the backup's recorded step). facts builds the operation's facts from the new
// backup's ID. It returns the backup's and the operation's IDs.
func (s *Store) BeginBackup(ctx context.Context, b Backup, op Operation, facts func(backupID int64) any) (backupID, opID int64, err error) {
	if err := b.validate(); err != nil {
		return 0, 0, err
	}
	args, err := backupArgs(b, StatusInProgress, OriginCreated)
	if err != nil {
		return 0, 0, err
	}
	err = s.withTx(ctx, func(ctx context.Context, c *sql.Conn) error {
		if err := c.QueryRowContext(ctx, insertBackupSQL, args...).Scan(&backupID); err != nil {
			return fmt.Errorf("insert backup: %w", backupDuplicate(err, b.Name))
		}
		if op.Facts, err = json.Marshal(facts(backupID)); err != nil {
			return fmt.Errorf("encode facts: %w", err)
		}
		opID, err = beginOperation(ctx, c, op)
		return err
	})
	if err != nil {
		return 0, 0, err
	}
	return backupID, opID, nil
}

// CompleteBackup marks the backup completed with its size, file count, hash
// and manifest, and stores its entries (replacing any), in one transaction.
func (s *Store) CompleteBackup(ctx context.Context, id, size, fileCount int64, sha256 string,
	metadata json.RawMessage, entries []archive.Entry) error {
	return s.FinishBackup(ctx, 0, id, size, fileCount, sha256, metadata, entries, nil)
}

// FinishBackup is CompleteBackup that also marks operation opID (when not 0)
// succeeded, in the same transaction: one commit and one checkpoint (the backup's completed step).
// warnings are what the backup completed with, kept with the record.
func (s *Store) FinishBackup(ctx context.Context, opID, id, size, fileCount int64, sha256 string,
	metadata json.RawMessage, entries []archive.Entry, warnings []string) error {
	meta, err := rawJSON(metadata)
	if err != nil {
		return err
	}
	ws, err := warningsJSON(warnings)
	if err != nil {
		return err
	}
	err = s.withTx(ctx, func(ctx context.Context, c *sql.Conn) error {
		res, err := c.ExecContext(ctx, `UPDATE backup_records SET status = 'completed', backup_size = ?,
			file_count = ?, backup_hash = ?, backup_metadata = ?, error = NULL, warnings = ? WHERE id = ?`,
			size, fileCount, nullString(sha256), meta, ws, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("backup %d: %w", id, ErrNotFound)
		}
		if _, err := c.ExecContext(ctx, `DELETE FROM backup_entries WHERE backup_id = ?`, id); err != nil {
			return err
		}
		if err := appendEntries(c, id, entries); err != nil {
			return err
		}
		if opID == 0 {
			return nil
		}
		return finishOperation(ctx, c, opID, OpSucceeded, "")
	})
	if err != nil {
		return fmt.Errorf("complete backup %d: %w", id, err)
	}
	return nil
}

// InsertCompletedBackup adopts an existing archive (import, catalog rebuild):
// the record (status completed unless b.Status says corrupt) and its entries
// in one transaction.
func (s *Store) InsertCompletedBackup(ctx context.Context, b Backup, entries []archive.Entry) (int64, error) {
	if err := b.validate(); err != nil {
		return 0, err
	}
	status := b.Status
	switch status {
	case "":
		status = StatusCompleted
	case StatusCompleted, StatusCorrupt:
	default:
		return 0, invalidf("adopted backup status %q", status)
	}
	args, err := backupArgs(b, status, OriginAdopted)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.withTx(ctx, func(ctx context.Context, c *sql.Conn) error {
		if err := c.QueryRowContext(ctx, insertBackupSQL, args...).Scan(&id); err != nil {
			return err
		}
		return appendEntries(c, id, entries)
	})
	if err != nil {
		return 0, fmt.Errorf("adopt backup: %w", backupDuplicate(err, b.Name))
	}
	return id, nil
}

// FailBackup marks the backup failed with the reason.
func (s *Store) FailBackup(ctx context.Context, id int64, reason string) error {
	return s.updateBackup(ctx, id, "fail", `status = 'failed', error = ?`, validText(reason))
}

// MarkCorrupt marks the backup corrupt with the reason; it is no longer offered for restore.
func (s *Store) MarkCorrupt(ctx context.Context, id int64, reason string) error {
	return s.updateBackup(ctx, id, "mark corrupt", `status = 'corrupt', error = ?`, validText(reason))
}

// SetVerified records a successful verification at the given time. A record
// marked corrupt before becomes completed again.
func (s *Store) SetVerified(ctx context.Context, id int64, at time.Time) error {
	if at.IsZero() {
		at = now()
	}
	return s.updateBackup(ctx, id, "set verified", `verified_at = ?,
		error = CASE WHEN status = 'corrupt' THEN NULL ELSE error END,
		status = CASE WHEN status = 'corrupt' THEN 'completed' ELSE status END`, at.UTC())
}

// SetBackupPath records where the archive now lives (storage move).
func (s *Store) SetBackupPath(ctx context.Context, id int64, path string) error {
	if !filepath.IsAbs(path) {
		return invalidf("backup path %q is not absolute", path)
	}
	if err := s.updateBackup(ctx, id, "set backup path", `backup_path = ?`, filepath.Clean(path)); err != nil {
		return err
	}
	return settingsSaved(s.saveSettings(ctx)) // it lists where the archives are
}

func (s *Store) updateBackup(ctx context.Context, id int64, what, set string, args ...any) error {
	n, err := s.exec(ctx, `UPDATE backup_records SET `+set+` WHERE id = ?`, append(args, id)...)
	if err != nil {
		return fmt.Errorf("%s backup %d: %w", what, id, err)
	}
	if n == 0 {
		return fmt.Errorf("backup %d: %w", id, ErrNotFound)
	}
	return nil
}

// DeleteBackup removes the record and its entries in one transaction.
func (s *Store) DeleteBackup(ctx context.Context, id int64) error {
	err := s.withTx(ctx, func(ctx context.Context, c *sql.Conn) error {
		if _, err := c.ExecContext(ctx, `DELETE FROM backup_entries WHERE backup_id = ?`, id); err != nil {
			return err
		}
		res, err := c.ExecContext(ctx, `DELETE FROM backup_records WHERE id = ?`, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("backup %d: %w", id, ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete backup %d: %w", id, err)
	}
	return nil
}

// GetBackup returns the record, or ErrNotFound.
func (s *Store) GetBackup(ctx context.Context, id int64) (Backup, error) {
	return s.oneBackup(ctx, "id = ?", id)
}

// BackupByName returns the record with this archive name, or ErrNotFound.
func (s *Store) BackupByName(ctx context.Context, name string) (Backup, error) {
	return s.oneBackup(ctx, "backup_name = ?", name)
}

// ListBackups returns a deployment's records (every record when deploymentID
// is 0), newest first.
func (s *Store) ListBackups(ctx context.Context, deploymentID int64) ([]Backup, error) {
	if deploymentID == 0 {
		return s.queryBackups(ctx, `ORDER BY created_at DESC, id DESC`)
	}
	return s.queryBackups(ctx, `WHERE deployment_id = ? ORDER BY created_at DESC, id DESC`, deploymentID)
}

func (s *Store) oneBackup(ctx context.Context, where string, key any) (Backup, error) {
	list, err := s.queryBackups(ctx, "WHERE "+where, key)
	if err != nil {
		return Backup{}, err
	}
	if len(list) == 0 {
		return Backup{}, fmt.Errorf("backup %v: %w", key, ErrNotFound)
	}
	return list[0], nil
}

func (s *Store) queryBackups(ctx context.Context, tail string, args ...any) ([]Backup, error) {
	return queryRows(ctx, s, "backups", backupColumns, "backup_records", tail, args, scanBackup)
}

func scanBackup(rows *sql.Rows) (Backup, error) {
	var (
		b                                      Backup
		deploymentID, size, fileCount          sql.NullInt64
		version, hash, compression, desc, errS sql.NullString
		meta                                   sql.NullString
		expires, verified, recorded            sql.NullTime
		origin, warnings                       sql.NullString
	)
	err := rows.Scan(&b.ID, &deploymentID, &b.Name, &b.Type, &b.Status, &version, &b.Path,
		&size, &fileCount, &hash, &compression, &desc, &meta, &b.CreatedAt, &expires, &verified,
		&errS, &recorded, &origin, &warnings)
	if err != nil {
		return Backup{}, fmt.Errorf("scan backup: %w", err)
	}
	b.DeploymentID, b.Size, b.FileCount = deploymentID.Int64, size.Int64, fileCount.Int64
	b.Version, b.SHA256, b.Compression = version.String, hash.String, compression.String
	b.Description, b.Error = desc.String, errS.String
	b.Metadata = rawOrNil(meta)
	b.CreatedAt = b.CreatedAt.UTC()
	b.RecordedAt, b.Origin = b.CreatedAt, origin.String
	if recorded.Valid {
		b.RecordedAt = recorded.Time.UTC()
	}
	b.ExpiresAt, b.VerifiedAt = timePtr(expires), timePtr(verified)
	if b.Warnings, err = decodeWarnings(warnings); err != nil {
		return Backup{}, fmt.Errorf("scan backup %d: warnings: %w", b.ID, err)
	}
	return b, nil
}

// decodeWarnings reads the warnings column: never nil.
func decodeWarnings(col sql.NullString) ([]string, error) {
	ws := []string{}
	if col.Valid && col.String != "" {
		if err := json.Unmarshal([]byte(col.String), &ws); err != nil {
			return nil, err
		}
		if ws == nil { // a JSON null
			ws = []string{}
		}
	}
	return ws, nil
}

// warningsJSON is the warnings column's value: NULL for none, else a JSON
// array of the sentences, each made valid UTF-8 (a warning may quote a
// file name that is not).
func warningsJSON(ws []string) (any, error) {
	if len(ws) == 0 {
		return nil, nil
	}
	valid := make([]string, len(ws))
	for i, w := range ws {
		valid[i] = validText(w)
	}
	return encodeJSON(valid)
}

// Manifest decodes the archive's manifest as the catalog keeps it.
func (b Backup) Manifest() (archive.Manifest, error) {
	var m archive.Manifest
	if len(b.Metadata) == 0 {
		return m, errors.New("no manifest recorded")
	}
	return m, json.Unmarshal(b.Metadata, &m)
}
