package backup

import (
	"context"
	"errors"
	"fmt"
	"os"

	"rewind/backend/archive"
	"rewind/backend/deployment"
	"rewind/backend/durable"
	"rewind/backend/progress"
	"rewind/backend/store"
)

// Verify re-hashes a backup's archive and decodes it to the end, comparing
// every entry with the index. It sets verified_at, or marks the record
// corrupt and returns the reason.
func (m *Manager) Verify(ctx context.Context, dep deployment.Deployment, id int64, report progress.Report) (Record, error) {
	report = progress.Or(report)
	b, err := m.get(ctx, dep, id)
	if err != nil {
		return Record{}, err
	}
	if b.Status == StatusInProgress || b.Status == StatusFailed {
		return toRecord(b), fmt.Errorf("%w: backup #%d is %s", ErrNotCompleted, id, b.Status)
	}
	if err := m.VerifyFile(ctx, b, report); err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, ErrFileMissing) {
			return toRecord(b), err
		}
		if merr := m.Store.MarkCorrupt(context.WithoutCancel(ctx), id, err.Error()); merr != nil {
			err = errors.Join(err, merr)
		}
		b, _ = m.Store.GetBackup(ctx, id)
		return toRecord(b), err
	}
	if err := m.Store.SetVerified(ctx, id, m.Now()); err != nil {
		return Record{}, err
	}
	b, err = m.Store.GetBackup(ctx, id)
	return toRecord(b), err
}

// VerifyFile checks a record's archive without changing the catalog: the
// file's SHA-256 must equal the record's and the archive must decode to the
// end, matching its index.
func (m *Manager) VerifyFile(ctx context.Context, b store.Backup, report progress.Report) error {
	report = progress.Or(report)
	f, err := durable.OpenRegular(b.Path) // a named pipe would block open forever
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("%w: %s", ErrFileMissing, b.Path)
		}
		if errors.Is(err, durable.ErrNotRegular) { // not the archive: the record stays as it was
			return fmt.Errorf("%w: %v", ErrFileMissing, err)
		}
		return err
	}
	defer f.Close()
	vr, err := archive.Verify(ctx, f, func(p archive.Progress) {
		report(progress.Progress{Phase: progress.Verifying, BytesDone: p.BytesDone, BytesTotal: p.BytesTotal,
			FilesDone: p.FilesDone, FilesTotal: p.FilesTotal})
	})
	if err != nil {
		return fmt.Errorf("backup #%d is damaged: %w", b.ID, err)
	}
	if b.SHA256 != "" && vr.SHA256 != b.SHA256 {
		return fmt.Errorf("backup #%d: %w (recorded %s, file %s)", b.ID, ErrChecksum, b.SHA256, vr.SHA256)
	}
	return nil
}
