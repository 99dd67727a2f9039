package upgrade

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"rewind/backend/op"

	"rewind/backend/deployment"
	"rewind/backend/progress"
	"rewind/backend/store"
)

// restoreRecoverer is the restorer's own recovery, run first so that an
// interrupted restore inside a rollback is settled before the rollback is
// redone.
type restoreRecoverer interface {
	Recover(ctx context.Context) ([]string, error)
}

// Recover finishes or undoes the upgrades and rollbacks a crash interrupted,
// from the last journaled step: before the .env change nothing changed and
// the upgrade is marked failed; after the .env change only, the version is
// set back; from `compose up` on the upgrade is rolled back (restore of the
// pre-upgrade backup, old images re-tagged, compose up, health check),
// unless it ran with --no-rollback; an interrupted rollback is redone; an
// upgrade whose health window had passed is recorded as succeeded. It
// returns one line per action for the admin. An operation it cannot finish
// (Docker unreachable, say) stays journaled and is retried at the next start.
func (u *Upgrader) Recover(ctx context.Context) ([]string, error) {
	ops, err := u.Store.UnfinishedOperations(ctx)
	if err != nil {
		return nil, err
	}
	var mine []store.Operation
	inFlight := map[int64]bool{}
	for _, op := range ops {
		if op.Kind != KindUpgrade && op.Kind != KindRollback {
			continue
		}
		var f facts
		if json.Unmarshal(op.Facts, &f) == nil {
			inFlight[f.UpgradeID] = true
		}
		if op.PID != u.pid {
			mine = append(mine, op)
		}
	}
	var lines []string
	var errs []error
	if len(mine) > 0 {
		if rr, ok := u.Restorer.(restoreRecoverer); ok {
			l, err := rr.Recover(ctx)
			lines = append(lines, l...)
			if err != nil {
				errs = append(errs, err)
			}
		}
	}
	for _, op := range mine {
		line, err := u.recoverOne(ctx, op)
		if line != "" {
			lines = append(lines, line)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("interrupted %s (operation #%d): %w", op.Kind, op.ID, err))
		}
	}
	l, err := u.settleOrphans(ctx, inFlight)
	lines = append(lines, l...)
	if err != nil {
		errs = append(errs, err)
	}
	return lines, errors.Join(errs...)
}

// settleOrphans marks failed the upgrades left running without a journal
// (interrupted between recording the upgrade and journaling it).
func (u *Upgrader) settleOrphans(ctx context.Context, inFlight map[int64]bool) ([]string, error) {
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

func (u *Upgrader) recoverOne(ctx context.Context, row store.Operation) (string, error) {
	var f facts
	if err := json.Unmarshal(row.Facts, &f); err != nil {
		return "", fmt.Errorf("journal facts: %w", err)
	}
	dep, err := u.Store.DeploymentByID(ctx, row.DeploymentID)
	if err != nil {
		return "", err
	}
	ctx, release, err := op.Lock(ctx, dep, "recovery of an interrupted "+string(row.Kind))
	if err != nil {
		return "", err
	}
	defer release()
	up, err := u.Store.GetUpgrade(ctx, f.UpgradeID)
	if err != nil {
		return "", err
	}
	j := &journal{st: u.Store, id: row.ID, kind: row.Kind, f: f, onStep: u.onStep}
	name := fmt.Sprintf("upgrade #%d (%s → %s) of %s", up.ID, orNone(up.FromVersion), up.ToVersion, dep.Name)
	if row.Kind == KindRollback {
		name = "the rollback of " + name
	}
	switch {
	case row.Kind == KindUpgrade && (row.Step == "" || row.Step == stepStop || row.Step == stepBackup || row.Step == stepPin):
		if err := u.restartStopped(ctx, f, name); err != nil {
			return "", err
		}
		u.markFailed(ctx, &up, "interrupted before anything changed (step "+row.Step+")")
		j.finish(ctx, store.OpRecovered, "interrupted before anything changed")
		return fmt.Sprintf("%s was interrupted before anything changed: version %s runs again; marked failed", name, orNone(up.FromVersion)), nil
	case row.Kind == KindUpgrade && row.Step == stepEnv && revertEnv(dep, f.From) == nil:
		if err := u.restartStopped(ctx, f, name); err != nil {
			return "", err
		}
		u.markFailed(ctx, &up, "interrupted after the version was set in .env, before compose up; .env was set back")
		j.finish(ctx, store.OpRecovered, "interrupted before compose up; .env set back")
		return fmt.Sprintf("%s was interrupted before compose up: %s was set back to %s in .env and version %s runs again; marked failed",
			name, dep.VersionKey, f.From, f.From), nil
	case row.Kind == KindUpgrade && row.Step == stepDone:
		if up.Status == store.UpgradeRunning {
			up.Status = store.UpgradeSucceeded
			u.finishTimes(&up)
			if err := u.Store.UpdateUpgrade(ctx, up); err != nil {
				return "", err
			}
		}
		j.finish(ctx, store.OpRecovered, "health window had passed")
		return fmt.Sprintf("%s had passed its health window before the interruption: recorded as succeeded", name), nil
	case row.Kind == KindUpgrade && f.NoRollback && (row.Step == stepUp || row.Step == stepHealth):
		u.markFailed(ctx, &up, "interrupted during step "+row.Step+"; not rolled back (--no-rollback)")
		j.finish(ctx, store.OpRecovered, "not rolled back (--no-rollback)")
		return fmt.Sprintf("%s was interrupted before its health was confirmed and ran with --no-rollback: needs attention, version %s is in place; `rewind rollback --yes` goes back to %s",
			name, up.ToVersion, orNone(up.FromVersion)), nil
	case row.Kind == KindRollback && row.Step == "":
		j.finish(ctx, store.OpRecovered, "interrupted before anything changed")
		return name + " was interrupted before anything changed", nil
	}
	return u.recoverRollback(ctx, dep, up, j, row.Step, name)
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

// recoverRollback rolls the upgrade back, or redoes an interrupted rollback.
func (u *Upgrader) recoverRollback(ctx context.Context, dep deployment.Deployment, up store.Upgrade, j *journal, step, name string) (string, error) {
	if j.f.BackupID == 0 {
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
	reason := j.f.Reason
	if j.kind == KindUpgrade && reason == "" {
		reason = "Rewind was interrupted during step " + step
		up.Error = joinText(up.Error, reason)
		j.f.Reason = reason
	}
	_, lines, rerr := u.rollBack(ctx, dep, eng, cmp, j, step == stepRollbackUp, progress.Nop)
	up = u.recordRollback(ctx, up, reason, rerr)
	j.finish(ctx, store.OpRecovered, errText(rerr))
	u.releasePins(ctx, eng, dep, 0)
	what := name + " was interrupted (step " + step + ")"
	for _, l := range lines {
		what += "; " + l
	}
	if rerr != nil {
		return "", fmt.Errorf("%s; rollback failed, needs attention (`rewind rollback --yes` tries again): %w", what, rerr)
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
