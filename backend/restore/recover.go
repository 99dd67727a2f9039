package restore

import (
	"context"
	"fmt"
	"slices"

	"rewind/backend/deployment"
	"rewind/backend/op"
	"rewind/backend/progress"
	"rewind/backend/store"
)

// Recoverer is the recovery of restores a crash interrupted, for the
// kernel's registry (docs/safety.md). Before the commit it puts the
// previous files back, restores the restart policies and starts what ran;
// after the commit it only keeps the replaced files as the pre-restore
// backup. Recovery only renames; it is safe to run again if it is itself
// interrupted. Its sweep removes the work directories finished restores
// could not remove.
func (r *Restorer) Recoverer() op.Recoverer {
	return op.Recoverer{Spec: &Spec, Recover: r.recoverOne, Sweep: r.sweep}
}

// recoverOne settles one interrupted restore; ctx holds the deployment's lock.
func (r *Restorer) recoverOne(ctx context.Context, dep deployment.Deployment, row store.Operation) (string, error) {
	if !slices.Contains(Spec.Steps, op.Step(row.Step)) {
		// The previous version journaled its steps as R1..R12.
		row.Step = string(op.NeedsRecovery)
	}
	o, err := op.Resume[*facts](r.Kernel, &Spec, dep, row)
	if err != nil {
		return "", err
	}
	if o.Facts == nil {
		o.Facts = &facts{}
	}
	f := o.Facts
	if f.Work != "" {
		if ff, err := loadFacts(f.Work); err == nil {
			*f = ff // the file journal is written first, so it is the newest
		}
		o.File = journalFile(f.Work)
	}
	f.OpID = row.ID
	res := &Result{Warnings: []string{}, Started: []string{}}
	x := &run{r: r, dep: dep, id: f.BackupID, o: o, f: f, report: progress.Nop, res: res}
	switch f.Phase {
	case Committed:
		if f.Leftover { // the safety copy was made: only its work directory is left, for sweep
			o.Recovered(ctx, "committed; the safety copy was already made")
			return "", nil
		}
		x.keepOld(ctx)
		o.Recovered(ctx, "committed; safety copy finished at start")
		line := fmt.Sprintf("a restore of backup #%d had completed before the interruption", f.BackupID)
		if res.SafetyCopy != nil {
			line += fmt.Sprintf("; the replaced files were kept as backup #%d", res.SafetyCopy.ID)
		} else if res.OldTree != "" {
			line += "; the replaced files are kept in " + res.OldTree
		}
		return line, nil
	case "", Staging, Undone:
		derr := x.discard(ctx) // on failure sweep retries and reports it
		o.Recovered(ctx, "interrupted before any live file changed")
		if f.Phase == Undone {
			return x.restartAfterUndo(ctx)
		}
		line := fmt.Sprintf("a restore of backup #%d was interrupted before any live file changed", f.BackupID)
		if derr == nil {
			line += "; its staging files were removed"
		}
		return line, nil
	case Stopped, Swapping, Swapped, phaseStartingV1, Undoing:
		// between the stop and the commit: undone below, as is a phase
		// this version does not know
	}
	if f.Stopped && f.Snapshot != nil {
		if x.eng, err = r.engine(ctx); err != nil {
			return "", fmt.Errorf("the restore of backup #%d stopped containers and was interrupted; Docker is unreachable, so the previous files were not put back yet. Start Docker and run rewind again: %w", f.BackupID, err)
		}
	}
	if err := x.undo(ctx); err != nil {
		return "", err
	}
	x.discard(ctx) // swept at the next start if it stays
	o.Recovered(ctx, "interrupted; undone at start")
	return fmt.Sprintf("a restore of backup #%d was interrupted: the previous files were put back; %s", f.BackupID, containersText(f)), nil
}

// restartAfterUndo starts the containers once more after an undo that was
// itself interrupted after the files were back.
func (x *run) restartAfterUndo(ctx context.Context) (string, error) {
	f := x.f
	if !f.Stopped || f.Snapshot == nil {
		return fmt.Sprintf("a failed restore of backup #%d had already put the previous files back", f.BackupID), nil
	}
	eng, err := x.r.engine(ctx)
	if err != nil {
		return "", err
	}
	if f.NoStart {
		err = eng.RestorePolicies(ctx, *f.Snapshot)
	} else {
		err = eng.Start(ctx, *f.Snapshot, x.r.StartTimeout)
	}
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("a failed restore of backup #%d had put the previous files back; %s", f.BackupID, containersText(f)), nil
}
