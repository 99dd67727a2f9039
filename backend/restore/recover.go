package restore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"rewind/backend/progress"
	"rewind/backend/store"
)

// Recover finishes or undoes restores that a crash interrupted (the table
// in RELIABILITY §3). Before the commit it puts the previous files back,
// restores the restart policies and starts what ran; after the commit it
// only keeps the replaced files as the pre-restore backup. Recovery only
// renames; it is safe to run again if it is itself interrupted.
func (r *Restorer) Recover(ctx context.Context) ([]string, error) {
	ops, err := r.Store.UnfinishedOperations(ctx)
	if err != nil {
		return nil, err
	}
	var lines []string
	var errs []error
	for _, op := range ops {
		if op.Kind != "restore" {
			continue
		}
		line, err := r.recoverOne(ctx, op)
		if line != "" {
			lines = append(lines, line)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("interrupted restore (operation #%d): %w", op.ID, err))
		}
	}
	l, err := r.sweep(ctx)
	return append(lines, l...), errors.Join(append(errs, err)...)
}

func (r *Restorer) recoverOne(ctx context.Context, op store.Operation) (string, error) {
	var f facts
	if err := json.Unmarshal(op.Facts, &f); err != nil {
		return "", fmt.Errorf("journal: %w", err)
	}
	if f.Work != "" {
		if ff, err := loadFacts(f.Work); err == nil {
			f = ff // the file journal is written first, so it is the newest
		}
	}
	f.OpID = op.ID
	dep, err := r.Store.DeploymentByID(ctx, op.DeploymentID)
	if err != nil {
		return "", err
	}
	res := &Result{Warnings: []string{}, Started: []string{}}
	switch f.Phase {
	case phaseCommitted:
		if f.Leftover { // the safety copy was made: only its work directory is left, for sweep
			r.Store.FinishOperation(ctx, op.ID, store.OpRecovered, "committed; the safety copy was already made")
			return "", nil
		}
		r.keepOld(ctx, dep, &f, progress.Nop, res)
		r.Store.FinishOperation(ctx, op.ID, store.OpRecovered, "committed; safety copy finished at start")
		line := fmt.Sprintf("a restore of backup #%d had completed before the interruption", f.BackupID)
		if res.SafetyCopy != nil {
			line += fmt.Sprintf("; the replaced files were kept as backup #%d", res.SafetyCopy.ID)
		} else if res.OldTree != "" {
			line += "; the replaced files are kept in " + res.OldTree
		}
		return line, nil
	case "", phaseStaging, "undone":
		derr := r.discard(ctx, &f) // on failure sweep, below, retries and reports it
		r.Store.FinishOperation(ctx, op.ID, store.OpRecovered, "interrupted before any live file changed")
		if f.Phase == "undone" {
			return r.restartAfterUndo(ctx, f)
		}
		line := fmt.Sprintf("a restore of backup #%d was interrupted before any live file changed", f.BackupID)
		if derr == nil {
			line += "; its staging files were removed"
		}
		return line, nil
	}
	var eng Engine
	if f.Stopped && f.Snapshot != nil {
		if eng, err = r.engine(ctx); err != nil {
			return "", fmt.Errorf("the restore of backup #%d stopped containers and was interrupted; Docker is unreachable, so the previous files were not put back yet. Start Docker and run rewind again: %w", f.BackupID, err)
		}
	}
	if err := r.undo(ctx, &f, eng, progress.Nop, res); err != nil {
		return "", err
	}
	r.discard(ctx, &f) // swept at the next start if it stays
	r.Store.FinishOperation(ctx, op.ID, store.OpRecovered, "interrupted; undone at start")
	return fmt.Sprintf("a restore of backup #%d was interrupted: the previous files were put back; %s", f.BackupID, containersText(&f)), nil
}

// restartAfterUndo starts the containers once more after an undo that was
// itself interrupted after the files were back.
func (r *Restorer) restartAfterUndo(ctx context.Context, f facts) (string, error) {
	if !f.Stopped || f.Snapshot == nil {
		return fmt.Sprintf("a failed restore of backup #%d had already put the previous files back", f.BackupID), nil
	}
	eng, err := r.engine(ctx)
	if err != nil {
		return "", err
	}
	if f.NoStart {
		err = eng.RestorePolicies(ctx, *f.Snapshot)
	} else {
		err = eng.Start(ctx, *f.Snapshot, r.StartTimeout)
	}
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("a failed restore of backup #%d had put the previous files back; %s", f.BackupID, containersText(&f)), nil
}
