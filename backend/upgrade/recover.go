package upgrade

import (
	"context"
	"encoding/json"
	"fmt"

	"rewind/backend/deployment"
	"rewind/backend/op"
	"rewind/backend/progress"
	"rewind/backend/store"
)

// Recoverers settle the upgrades and rollbacks a crash interrupted, from
// the last journaled step: before the .env change nothing changed and the
// upgrade is marked failed; after the .env change only, the version is set
// back; from `compose up` on the upgrade is rolled back (restore of the
// pre-upgrade backup, old images re-tagged, compose up, health check),
// unless it ran with --no-rollback; an interrupted rollback is redone; an
// upgrade whose health window had passed is recorded as succeeded. An
// operation that cannot be settled (Docker unreachable, say) stays
// journaled for the next start.
//
// The kernel runs them after the restorer's recovery, so an interrupted
// restore inside a rollback is settled before the rollback is redone, each
// under its deployment's lock. The upgrade's sweep marks failed the
// upgrades recorded without a journal.
func (u *Upgrader) Recoverers() []op.Recoverer {
	return []op.Recoverer{
		{Spec: &UpgradeSpec, Recover: u.recoverOne, Sweep: u.settleOrphans},
		{Spec: &RollbackSpec, Recover: u.recoverOne},
	}
}

// settleOrphans marks failed the upgrades left running without a journal
// row that names them (interrupted between recording the upgrade and
// journaling its ID).
func (u *Upgrader) settleOrphans(ctx context.Context, ops []store.Operation) ([]string, error) {
	inFlight := map[int64]bool{}
	for _, row := range ops {
		var f facts
		if (row.Kind == op.Upgrade || row.Kind == op.Rollback) && json.Unmarshal(row.Facts, &f) == nil {
			inFlight[f.UpgradeID] = true
		}
	}
	ups, err := u.Store.ListUpgrades(ctx, 0)
	if err != nil {
		return nil, err
	}
	var lines []string
	for _, up := range ups {
		if up.Status != store.UpgradeRunning || inFlight[up.ID] {
			continue
		}
		up.Status = store.UpgradeFailed
		up.Error = joinText(up.Error, "interrupted before anything changed")
		now := u.Now()
		up.FinishedAt = &now
		if err := u.Store.UpdateUpgrade(ctx, up); err != nil {
			return lines, err
		}
		lines = append(lines, fmt.Sprintf("upgrade #%d to %s was interrupted before anything changed; marked failed", up.ID, up.ToVersion))
	}
	return lines, nil
}

// recoverOne settles one interrupted upgrade or rollback; the kernel holds
// the deployment's lock.
func (u *Upgrader) recoverOne(ctx context.Context, dep deployment.Deployment, row store.Operation) (string, error) {
	spec := &UpgradeSpec
	if row.Kind == op.Rollback {
		spec = &RollbackSpec
	}
	o, err := op.Resume[facts](u.Kernel, spec, dep, row)
	if err != nil {
		return "", err
	}
	f, step, upgrade := o.Facts, op.Step(row.Step), row.Kind == op.Upgrade
	if f.UpgradeID == 0 {
		// Interrupted while checking, or choosing what to roll back.
		what := fmt.Sprintf("an upgrade of %s to %s", dep.Name, f.To)
		if !upgrade {
			what = "a rollback of " + dep.Name
		}
		return what + " was interrupted before anything changed", o.Recovered(ctx, "interrupted before anything changed")
	}
	up, err := u.Store.GetUpgrade(ctx, f.UpgradeID)
	if err != nil {
		return "", err
	}
	name := fmt.Sprintf("upgrade #%d (%s → %s) of %s", up.ID, orNone(up.FromVersion), up.ToVersion, dep.Name)
	if !upgrade {
		name = "the rollback of " + name
	}
	switch {
	case upgrade && (step == stepStop || step == stepBackup || step == stepPin):
		if err := u.restartStopped(ctx, f, name); err != nil {
			return "", err
		}
		u.markFailed(ctx, &up, "interrupted before anything changed (step "+row.Step+")")
		o.Recovered(ctx, "interrupted before anything changed")
		return fmt.Sprintf("%s was interrupted before anything changed: version %s runs again; marked failed", name, orNone(up.FromVersion)), nil
	case upgrade && step == stepEnv && revertEnv(dep, f.From) == nil:
		if err := u.restartStopped(ctx, f, name); err != nil {
			return "", err
		}
		u.markFailed(ctx, &up, "interrupted after the version was set in .env, before compose up; .env was set back")
		o.Recovered(ctx, "interrupted before compose up; .env set back")
		return fmt.Sprintf("%s was interrupted before compose up: %s was set back to %s in .env and version %s runs again; marked failed",
			name, dep.VersionKey, f.From, f.From), nil
	case upgrade && step == stepDone:
		if up.Status == store.UpgradeRunning {
			up.Status = store.UpgradeSucceeded
			u.finishTimes(&up)
			if err := u.Store.UpdateUpgrade(ctx, up); err != nil {
				return "", err
			}
		}
		o.Recovered(ctx, "health window had passed")
		return fmt.Sprintf("%s had passed its health window before the interruption: recorded as succeeded", name), nil
	case upgrade && f.NoRollback && (step == stepUp || step == stepHealth):
		u.markFailed(ctx, &up, "interrupted during step "+row.Step+"; not rolled back (--no-rollback)")
		o.Recovered(ctx, "not rolled back (--no-rollback)")
		return fmt.Sprintf("%s was interrupted before its health was confirmed and ran without automatic rollback: needs attention, version %s is in place; a rollback goes back to %s",
			name, up.ToVersion, orNone(up.FromVersion)), nil
	}
	return u.recoverRollback(ctx, dep, up, o, row.Kind, name)
}

// restartStopped starts again the containers an interrupted upgrade had
// stopped, with their restart policies.
func (u *Upgrader) restartStopped(ctx context.Context, f facts, name string) error {
	if !f.Stopped || f.Snapshot == nil {
		return nil
	}
	eng, err := u.engine(ctx)
	if err != nil {
		return fmt.Errorf("%s was interrupted with the services stopped, and Docker is unreachable; start Docker and run rewind again: %w", name, err)
	}
	defer eng.Close()
	if err := u.restart(ctx, eng, *f.Snapshot); err != nil {
		return fmt.Errorf("%s was interrupted with the services stopped; starting them again failed: %w", name, err)
	}
	return nil
}

// recoverRollback rolls the upgrade back, or redoes an interrupted
// rollback from where its journal says it was.
func (u *Upgrader) recoverRollback(ctx context.Context, dep deployment.Deployment, up store.Upgrade, o *op.Op[facts], kind op.Kind, name string) (string, error) {
	step := o.Current()
	if o.Facts.BackupID == 0 {
		return "", fmt.Errorf("%s must be rolled back but its journal names no backup: restore the newest pre-upgrade backup by hand", name)
	}
	eng, err := u.engine(ctx)
	if err != nil {
		return "", fmt.Errorf("%s was interrupted and must be rolled back, but Docker is unreachable; start Docker and run rewind again: %w", name, err)
	}
	defer eng.Close()
	cmp, err := u.Compose(ctx)
	if err != nil {
		return "", fmt.Errorf("%s was interrupted and must be rolled back: %w", name, err)
	}
	if kind == op.Upgrade && o.Facts.Reason == "" {
		o.Facts.Reason = "Rewind was interrupted during step " + string(step)
		up.Error = joinText(up.Error, o.Facts.Reason)
	}
	r := &run{u: u, dep: dep, eng: eng, cmp: cmp, report: progress.Nop, o: o, up: up, resume: step}
	_, lines, rerr := r.rollBack(ctx)
	r.recordRollback(ctx, rerr)
	up = r.up
	o.Recovered(ctx, errText(rerr))
	u.releasePins(ctx, eng, dep, 0)
	what := name + " was interrupted (step " + string(step) + ")"
	for _, l := range lines {
		what += "; " + l
	}
	if rerr != nil {
		return "", fmt.Errorf("%s; rollback failed, needs attention (the rollback can be tried again): %w", what, rerr)
	}
	return fmt.Sprintf("%s: rolled back to %s, service healthy", what, orNone(up.FromVersion)), nil
}

func (u *Upgrader) markFailed(ctx context.Context, up *store.Upgrade, reason string) {
	up.Status = store.UpgradeFailed
	up.Error = joinText(up.Error, reason)
	u.finishTimes(up)
	u.Store.UpdateUpgrade(ctx, *up)
}

func (u *Upgrader) finishTimes(up *store.Upgrade) {
	if up.FinishedAt == nil {
		now := u.Now()
		up.FinishedAt = &now
		up.DurationMS = now.Sub(up.StartedAt).Milliseconds()
	}
}
