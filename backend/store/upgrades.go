package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"rewind/backend/archive"
)

// UpgradeStatus is how an upgrade stands, or how it (or its rollback)
// ended, as upgrade_history records it.
type UpgradeStatus string

// Upgrade statuses.
const (
	UpgradeRunning        UpgradeStatus = "running"
	UpgradeSucceeded      UpgradeStatus = "succeeded"
	UpgradeFailed         UpgradeStatus = "failed"
	UpgradeRolledBack     UpgradeStatus = "rolled_back"
	UpgradeRollbackFailed UpgradeStatus = "rollback_failed"
)

// Upgrade is one row of upgrade_history.
type Upgrade struct {
	ID              int64                  `json:"id"`
	DeploymentID    int64                  `json:"deploymentId"` // 0 = none
	FromVersion     string                 `json:"fromVersion"`
	ToVersion       string                 `json:"toVersion"`
	Status          UpgradeStatus          `json:"status"`
	StartedAt       time.Time              `json:"startedAt" ts_type:"string"`
	FinishedAt      *time.Time             `json:"finishedAt" ts_type:"string"`
	DurationMS      int64                  `json:"durationMs"`
	BackupID        int64                  `json:"backupId"` // the pre-upgrade backup, 0 = none
	Error           string                 `json:"error,omitempty"`
	RollbackReason  string                 `json:"rollbackReason,omitempty"`
	ImagesBefore    []archive.ServiceImage `json:"imagesBefore"`
	ImagesAfter     []archive.ServiceImage `json:"imagesAfter"`
	RollbackHealthy *bool                  `json:"rollbackHealthy"` // nil when no rollback ran
}

const upgradeColumns = `id, deployment_id, from_version, to_version, status, started_at,
	finished_at, duration_ms, backup_id, error, rollback_reason, images_before::VARCHAR,
	images_after::VARCHAR, rollback_healthy`

func validUpgradeStatus(s UpgradeStatus) bool {
	switch s {
	case UpgradeRunning, UpgradeSucceeded, UpgradeFailed, UpgradeRolledBack, UpgradeRollbackFailed:
		return true
	}
	return false
}

func imagesJSON(images []archive.ServiceImage) (string, error) {
	if images == nil {
		images = []archive.ServiceImage{}
	}
	return encodeJSON(images)
}

// upgradeArgs returns the mutable columns in the order of upgradeSet.
func upgradeArgs(u Upgrade) ([]any, error) {
	if u.ToVersion == "" {
		return nil, invalidf("empty target version")
	}
	if !validUpgradeStatus(u.Status) {
		return nil, invalidf("upgrade status %q", u.Status)
	}
	before, err := imagesJSON(u.ImagesBefore)
	if err != nil {
		return nil, err
	}
	after, err := imagesJSON(u.ImagesAfter)
	if err != nil {
		return nil, err
	}
	var healthy any
	if u.RollbackHealthy != nil {
		healthy = *u.RollbackHealthy
	}
	started := u.StartedAt
	if started.IsZero() {
		started = now()
	}
	return []any{nullID(u.DeploymentID), nullString(u.FromVersion), u.ToVersion, string(u.Status),
		started.UTC(), dbTimePtr(u.FinishedAt), u.DurationMS, nullID(u.BackupID),
		nullString(u.Error), nullString(u.RollbackReason), before, after, healthy}, nil
}

// InsertUpgrade records an upgrade and returns its ID. Status defaults to
// running and StartedAt to now.
func (s *Store) InsertUpgrade(ctx context.Context, u Upgrade) (int64, error) {
	if u.Status == "" {
		u.Status = UpgradeRunning
	}
	args, err := upgradeArgs(u)
	if err != nil {
		return 0, err
	}
	id, err := s.insertID(ctx, `INSERT INTO upgrade_history (deployment_id, from_version, to_version,
		status, started_at, finished_at, duration_ms, backup_id, error, rollback_reason, images_before,
		images_after, rollback_healthy) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, args...)
	if err != nil {
		return 0, fmt.Errorf("insert upgrade: %w", err)
	}
	return id, nil
}

// UpdateUpgrade rewrites every column of the upgrade u.ID.
func (s *Store) UpdateUpgrade(ctx context.Context, u Upgrade) error {
	args, err := upgradeArgs(u)
	if err != nil {
		return err
	}
	n, err := s.exec(ctx, `UPDATE upgrade_history SET deployment_id = ?, from_version = ?,
		to_version = ?, status = ?, started_at = ?, finished_at = ?, duration_ms = ?, backup_id = ?,
		error = ?, rollback_reason = ?, images_before = ?, images_after = ?, rollback_healthy = ?
		WHERE id = ?`, append(args, u.ID)...)
	if err != nil {
		return fmt.Errorf("update upgrade %d: %w", u.ID, err)
	}
	if n == 0 {
		return fmt.Errorf("upgrade %d: %w", u.ID, ErrNotFound)
	}
	return nil
}

// GetUpgrade returns the upgrade, or ErrNotFound.
func (s *Store) GetUpgrade(ctx context.Context, id int64) (Upgrade, error) {
	list, err := s.queryUpgrades(ctx, `WHERE id = ?`, id)
	if err != nil {
		return Upgrade{}, err
	}
	if len(list) == 0 {
		return Upgrade{}, fmt.Errorf("upgrade %d: %w", id, ErrNotFound)
	}
	return list[0], nil
}

// ListUpgrades returns a deployment's upgrades (all when deploymentID is 0), newest first.
func (s *Store) ListUpgrades(ctx context.Context, deploymentID int64) ([]Upgrade, error) {
	if deploymentID == 0 {
		return s.queryUpgrades(ctx, `ORDER BY started_at DESC, id DESC`)
	}
	return s.queryUpgrades(ctx, `WHERE deployment_id = ? ORDER BY started_at DESC, id DESC`, deploymentID)
}

func (s *Store) queryUpgrades(ctx context.Context, tail string, args ...any) ([]Upgrade, error) {
	return queryRows(ctx, s, "upgrades", upgradeColumns, "upgrade_history", tail, args, scanUpgrade)
}

func scanUpgrade(rows *sql.Rows) (Upgrade, error) {
	var (
		u                              Upgrade
		deploymentID, duration, backup sql.NullInt64
		from, errS, reason             sql.NullString
		before, after                  sql.NullString
		finished                       sql.NullTime
		healthy                        sql.NullBool
	)
	if err := rows.Scan(&u.ID, &deploymentID, &from, &u.ToVersion, &u.Status, &u.StartedAt, &finished,
		&duration, &backup, &errS, &reason, &before, &after, &healthy); err != nil {
		return Upgrade{}, fmt.Errorf("scan upgrade: %w", err)
	}
	u.DeploymentID, u.DurationMS, u.BackupID = deploymentID.Int64, duration.Int64, backup.Int64
	u.FromVersion, u.Error, u.RollbackReason = from.String, errS.String, reason.String
	u.StartedAt, u.FinishedAt = u.StartedAt.UTC(), timePtr(finished)
	if healthy.Valid {
		u.RollbackHealthy = &healthy.Bool
	}
	var err error
	if u.ImagesBefore, err = decodeImages(before); err != nil {
		return Upgrade{}, fmt.Errorf("upgrade %d images before: %w", u.ID, err)
	}
	if u.ImagesAfter, err = decodeImages(after); err != nil {
		return Upgrade{}, fmt.Errorf("upgrade %d images after: %w", u.ID, err)
	}
	return u, nil
}

func decodeImages(ns sql.NullString) ([]archive.ServiceImage, error) {
	images := []archive.ServiceImage{}
	if !ns.Valid || ns.String == "" {
		return images, nil
	}
	if err := json.Unmarshal([]byte(ns.String), &images); err != nil {
		return nil, err
	}
	if images == nil {
		images = []archive.ServiceImage{}
	}
	return images, nil
}
