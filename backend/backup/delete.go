package backup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"rewind/backend/deployment"
	"rewind/backend/durable"
	"rewind/backend/op"
	"rewind/backend/store"
)

const deletingSuffix = ".deleting"

// DeleteResult says what was removed and anything the admin should know.
type DeleteResult struct {
	Record   Record   `json:"record"`
	Warnings []string `json:"warnings"`
}

// Delete removes a backup's file and record together. It refuses a backup
// that an unfinished operation depends on. The file is first renamed aside,
// then the record deleted, then the file removed; recovery finishes an
// interrupted delete in the same direction. Retention deletes under the lock
// it holds already (the lock is re-entrant through ctx).
func (m *Manager) Delete(ctx context.Context, dep deployment.Deployment, id int64) (DeleteResult, error) {
	res := DeleteResult{Warnings: []string{}}
	ctx, release, err := op.Lock(ctx, dep, "backup delete")
	if err != nil {
		return res, err
	}
	defer release()
	b, err := m.get(ctx, dep, id)
	if err != nil {
		return res, err
	}
	res.Record = toRecord(b)
	if err := m.checkNotInUse(ctx, id); err != nil {
		return res, err
	}
	if w := m.newestPreUpgradeWarning(ctx, dep, b); w != "" {
		res.Warnings = append(res.Warnings, w)
	}
	aside := b.Path + deletingSuffix
	moved := false
	if err := os.Rename(b.Path, aside); err == nil {
		moved = true
		if err := durable.SyncDir(filepath.Dir(b.Path)); err != nil {
			return res, err
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return res, fmt.Errorf("delete %s: %w", b.Path, err)
	}
	if err := m.Store.DeleteBackup(ctx, id); err != nil {
		if moved {
			err = errors.Join(err, os.Rename(aside, b.Path))
		}
		return res, err
	}
	if moved {
		if err := os.Remove(aside); err != nil {
			return res, fmt.Errorf("record deleted but the file could not be removed: %w; remove %s by hand", err, aside)
		}
		durable.SyncDir(filepath.Dir(b.Path))
	}
	return res, nil
}

// checkNotInUse refuses when an unfinished operation's facts name the backup.
func (m *Manager) checkNotInUse(ctx context.Context, id int64) error {
	ops, err := m.Store.UnfinishedOperations(ctx)
	if err != nil {
		return err
	}
	for _, op := range ops {
		var f struct {
			BackupID int64 `json:"backupId"`
		}
		if json.Unmarshal(op.Facts, &f) == nil && f.BackupID == id {
			return fmt.Errorf("%w: %s operation #%d (step %s) depends on backup #%d", ErrInUse, op.Kind, op.ID, op.Step, id)
		}
	}
	return nil
}

func (m *Manager) newestPreUpgradeWarning(ctx context.Context, dep deployment.Deployment, b store.Backup) string {
	if b.Type != TypePreUpgrade || b.Status != StatusCompleted {
		return ""
	}
	recs, err := m.List(ctx, dep)
	if err != nil {
		return ""
	}
	NewestRecordedFirst(recs)
	for _, o := range recs {
		if o.Type == TypePreUpgrade && o.Status == StatusCompleted {
			if o.ID == b.ID {
				return fmt.Sprintf("backup #%d was the newest pre-upgrade backup: the last upgrade can no longer be rolled back from it", b.ID)
			}
			return ""
		}
	}
	return ""
}
