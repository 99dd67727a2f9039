package upgrade

import (
	"context"
	"errors"
	"fmt"
	"time"

	"rewind/backend/archive"
	"rewind/backend/backup"
	"rewind/backend/deployment"
	"rewind/backend/docker"
	"rewind/backend/op"
	"rewind/backend/progress"
	"rewind/backend/restore"
	"rewind/backend/store"
)

// RollbackPlan says what a rollback would do, before it runs.
type RollbackPlan struct {
	UpgradeID      int64               `json:"upgradeId"`
	Status         store.UpgradeStatus `json:"status"`         // the upgrade's status now
	FromVersion    string              `json:"fromVersion"`    // the version the rollback brings back
	ToVersion      string              `json:"toVersion"`      // the version the upgrade installed
	CurrentVersion string              `json:"currentVersion"` // what .env says now
	BackupID       int64               `json:"backupId"`
	BackupName     string              `json:"backupName"`
	BackupCreated  time.Time           `json:"backupCreatedAt" ts_type:"string"`
	// BackupFallback: the upgrade's own backup is unusable (failed or
	// missing); the newest completed pre-upgrade backup of FromVersion is used.
	BackupFallback bool                   `json:"backupFallback"`
	Images         []archive.ServiceImage `json:"images"` // what the services will run again
	Steps          []string               `json:"steps"`
}

// RollbackResult is what a rollback did.
type RollbackResult struct {
	Plan     RollbackPlan          `json:"plan"`
	Upgrade  store.Upgrade         `json:"upgrade"`
	Outcome  Outcome               `json:"outcome"` // rolled_back or rollback_failed
	Healthy  bool                  `json:"healthy"`
	Message  string                `json:"message"`
	Health   []docker.HealthReport `json:"health"`
	Warnings []string              `json:"warnings"`
}

// PlanRollback chooses the upgrade to roll back (upgradeID, or 0 for the
// newest one still in effect) and the backup to use, changing nothing.
func (u *Upgrader) PlanRollback(ctx context.Context, dep deployment.Deployment, upgradeID int64) (RollbackPlan, error) {
	plan, _, err := u.planRollback(ctx, dep, upgradeID)
	return plan, err
}

func (u *Upgrader) planRollback(ctx context.Context, dep deployment.Deployment, upgradeID int64) (RollbackPlan, store.Upgrade, error) {
	ups, err := u.Store.ListUpgrades(ctx, dep.ID)
	if err != nil {
		return RollbackPlan{}, store.Upgrade{}, err
	}
	current := dep.Version()
	up, err := chooseUpgrade(ups, current, upgradeID)
	if err != nil {
		return RollbackPlan{}, up, err
	}
	rec, fallback, err := u.chooseBackup(ctx, dep, up)
	if err != nil {
		return RollbackPlan{}, up, err
	}
	p := RollbackPlan{UpgradeID: up.ID, Status: up.Status, FromVersion: up.FromVersion, ToVersion: up.ToVersion,
		CurrentVersion: current, BackupID: rec.ID, BackupName: rec.Name, BackupCreated: rec.CreatedAt,
		BackupFallback: fallback, Images: nonNil(up.ImagesBefore)}
	p.Steps = []string{
		fmt.Sprintf("stop the containers of %s", dep.ComposeProject),
		fmt.Sprintf("restore backup #%d (%s, taken %s) in full: files, .env, compose file and data; data written since then is kept only in a pre-restore backup",
			rec.ID, rec.Name, rec.CreatedAt.Local().Format("2006-01-02 15:04:05")),
		"put the old images back under their old references (from the pins if needed)",
		fmt.Sprintf("compose up -d on version %s and wait until the service is healthy", orNone(up.FromVersion)),
	}
	return p, up, nil
}

// chooseUpgrade picks the upgrade to roll back from ups (newest first):
// the one named, or the newest that is still in effect (it succeeded, or
// failed without a rollback, and .env still says its version; or its
// rollback failed and may be tried again).
func chooseUpgrade(ups []store.Upgrade, current string, id int64) (store.Upgrade, error) {
	if id != 0 {
		for _, up := range ups {
			if up.ID == id {
				return up, inEffect(up, current)
			}
		}
		return store.Upgrade{}, fmt.Errorf("%w: upgrade #%d not found", ErrNothingToRollBack, id)
	}
	for _, up := range ups {
		switch {
		case up.Status == store.UpgradeSucceeded:
			return up, inEffect(up, current)
		case up.Status == store.UpgradeRollbackFailed,
			up.Status == store.UpgradeFailed && inEffect(up, current) == nil:
			return up, nil
		}
	}
	return store.Upgrade{}, fmt.Errorf("%w: no upgrade of this deployment is in effect", ErrNothingToRollBack)
}

// inEffect says why up cannot be rolled back, or nil.
func inEffect(up store.Upgrade, current string) error {
	switch up.Status {
	case store.UpgradeRunning:
		return fmt.Errorf("upgrade #%d is still running", up.ID)
	case store.UpgradeRolledBack:
		return fmt.Errorf("%w: upgrade #%d (%s → %s) was already rolled back", ErrNotInEffect, up.ID, orNone(up.FromVersion), up.ToVersion)
	case store.UpgradeRollbackFailed:
		return nil // the rollback may be tried again
	case store.UpgradeFailed:
		if up.BackupID == 0 || up.RollbackHealthy != nil || current != up.ToVersion {
			return fmt.Errorf("%w: upgrade #%d (%s → %s) failed and left version %s in place",
				ErrNotInEffect, up.ID, orNone(up.FromVersion), up.ToVersion, orNone(current))
		}
	}
	if current != up.ToVersion {
		return fmt.Errorf("%w: upgrade #%d installed version %s, but the deployment now runs version %s",
			ErrNotInEffect, up.ID, up.ToVersion, orNone(current))
	}
	return nil
}

// chooseBackup returns the upgrade's own pre-upgrade backup when it is
// completed and its file exists, else the newest such pre-upgrade backup
// of the version the upgrade started from, newest in recording order.
func (u *Upgrader) chooseBackup(ctx context.Context, dep deployment.Deployment, up store.Upgrade) (backup.Record, bool, error) {
	recs, err := u.Backups.List(ctx, dep)
	if err != nil {
		return backup.Record{}, false, err
	}
	backup.NewestRecordedFirst(recs)
	own := "it recorded no backup"
	for _, r := range recs {
		if up.BackupID != 0 && r.ID == up.BackupID {
			if r.Restorable() {
				return r, false, nil
			}
			own = fmt.Sprintf("its backup #%d is %s", r.ID, unusable(r))
		}
	}
	for _, r := range recs {
		if r.Type == backup.TypePreUpgrade && r.Version == up.FromVersion && r.Restorable() {
			return r, true, nil
		}
	}
	return backup.Record{}, false, fmt.Errorf("%w: upgrade #%d cannot be rolled back: %s and no completed pre-upgrade backup of version %s exists",
		ErrNoBackup, up.ID, own, orNone(up.FromVersion))
}

func unusable(r backup.Record) string {
	if r.Status != backup.StatusCompleted {
		return r.Status
	}
	return "missing its file"
}

// Rollback rolls back an upgrade (0: the newest still in effect) the way a
// failed upgrade is rolled back. It returns a *FailedError (ErrRollbackFailed)
// when the service is not healthy afterwards. It can be cancelled until the
// rollback begins (its commit point), not after.
func (u *Upgrader) Rollback(ctx context.Context, dep deployment.Deployment, upgradeID int64, report progress.Report) (res RollbackResult, err error) {
	report = progress.Or(report)
	res = RollbackResult{Health: []docker.HealthReport{}, Warnings: []string{}}
	o := op.For(u.Kernel, &RollbackSpec, dep, facts{VersionKey: dep.VersionKey, Pins: []Pin{}, Reason: "rolled back on request"})
	ctx, err = o.Begin(ctx, "rollback", stepRollback)
	defer o.End(ctx, &err)
	if err != nil {
		return res, rollbackCancelled(ctx, 0, upgradeID, err)
	}
	plan, up, err := u.planRollback(ctx, dep, upgradeID)
	res.Plan, res.Upgrade = plan, up
	if err != nil {
		return res, rollbackCancelled(ctx, up.ID, upgradeID, err)
	}
	eng, err := u.engine(ctx)
	if err != nil {
		return res, rollbackCancelled(ctx, up.ID, upgradeID, err)
	}
	defer eng.Close()
	cmp, err := u.Compose(ctx)
	if err != nil {
		return res, rollbackCancelled(ctx, up.ID, upgradeID, err)
	}
	f := &o.Facts
	f.UpgradeID, f.From, f.To, f.BackupID, f.Pins = up.ID, up.FromVersion, up.ToVersion, plan.BackupID, pinsFor(up, dep.ComposeProject)
	r := &run{u: u, dep: dep, eng: eng, cmp: cmp, report: report, o: o, up: up}
	reports, lines, rerr := r.rollBack(ctx)
	res.Health = nonNil(reports)
	res.Warnings = append(res.Warnings, lines...)
	var unchanged *unchangedError
	if errors.As(rerr, &unchanged) {
		return res, fmt.Errorf("rollback of upgrade #%d failed before anything changed, version %s still runs: %w",
			up.ID, up.ToVersion, rerr)
	}
	r.recordRollback(ctx, rerr)
	up, res.Upgrade = r.up, r.up
	res.Warnings = append(res.Warnings, u.releasePins(context.WithoutCancel(ctx), eng, dep, 0)...)
	res.Healthy = rerr == nil
	if rerr != nil {
		res.Outcome = OutcomeRollbackFailed
		res.Message = fmt.Sprintf("rollback of upgrade #%d failed, needs attention: %v", up.ID, rerr)
		return res, &FailedError{Outcome: OutcomeRollbackFailed, Message: res.Message, Err: rerr, target: ErrRollbackFailed}
	}
	res.Outcome = OutcomeRolledBack
	res.Message = fmt.Sprintf("rolled back upgrade #%d: version %s runs again from backup #%d, service healthy", up.ID, orNone(up.FromVersion), plan.BackupID)
	report.Phase(progress.Done, res.Message)
	return res, nil
}

// rollbackCancelled words a cancellation that came before the rollback
// began changing anything (while choosing the upgrade and its backup, or
// reaching the engine): the admin reads what was cancelled, not "context
// canceled". id is the upgrade when known; asked the one the admin named (0:
// the last one).
func rollbackCancelled(ctx context.Context, id, asked int64, err error) error {
	if !op.IsCancel(ctx, err) || errors.As(err, new(*op.CancelledError)) {
		return err
	}
	what := "the rollback of the last upgrade"
	if id == 0 {
		id = asked
	}
	if id != 0 {
		what = fmt.Sprintf("the rollback of upgrade #%d", id)
	}
	return op.Cancelled(err, what+" was cancelled; nothing was changed")
}

// recordRollback writes a rollback's outcome into the upgrade's row.
func (u *Upgrader) recordRollback(ctx context.Context, up store.Upgrade, reason string, rerr error) (store.Upgrade, error) {
	healthy := rerr == nil
	up.RollbackHealthy = &healthy
	if up.RollbackReason == "" {
		up.RollbackReason = reason
	}
	up.Status = store.UpgradeRolledBack
	if !healthy {
		up.Status = store.UpgradeRollbackFailed
		up.Error = joinText(up.Error, "rollback: "+rerr.Error())
	}
	u.finishTimes(&up)
	return up, u.Store.UpdateUpgrade(context.WithoutCancel(ctx), up)
}

// pinsFor rebuilds an upgrade's pins from its history row.
func pinsFor(up store.Upgrade, project string) []Pin {
	pins := []Pin{}
	for _, s := range up.ImagesBefore {
		pins = append(pins, Pin{Service: s.Service, Image: s.Image, ImageID: s.ImageID, RepoDigest: s.RepoDigest,
			Ref: PinRef(project, s.Service, up.ID)})
	}
	return pins
}

// rollBack restores the pre-upgrade backup in full with the containers left
// stopped, puts the old images back under their references, runs
// `compose up -d` (which recreates the containers from the old images) and
// waits until the service is healthy. Its first step is the commit point:
// from there it runs to the end whatever ctx says. A run that recovery
// resumes at stepRollbackUp finds the files back and goes on from the
// images.
func (r *run) rollBack(ctx context.Context) ([]docker.HealthReport, []string, error) {
	u, dep, eng, f := r.u, r.dep, r.eng, &r.o.Facts
	ctx = context.WithoutCancel(ctx)
	if r.resume != stepRollbackUp {
		var err error
		if ctx, err = r.o.Commit(ctx, stepRollback); err != nil {
			return nil, nil, err
		}
		r.report.Phase(progress.Stopping, "stopping the failed version")
		stopped, err := u.quiesce(ctx, eng, dep.ComposeProject)
		if err == nil {
			r.report.Phase(progress.RollingBack, fmt.Sprintf("restoring pre-upgrade backup #%d", f.BackupID))
			_, err = u.Restorer.Run(ctx, dep, f.BackupID, restore.Options{Mode: restore.Full, Confirmed: true, NoStart: true}, r.report)
			if err != nil {
				err = fmt.Errorf("restore pre-upgrade backup #%d: %w", f.BackupID, err)
			}
		}
		if err != nil {
			// The files are as they were (a failed restore puts them
			// back): so are the containers.
			if serr := u.restart(ctx, eng, stopped); serr != nil {
				return nil, nil, errors.Join(err, fmt.Errorf("start the containers again: %w", serr))
			}
			return nil, nil, &unchangedError{err}
		}
		if err := r.o.Step(ctx, stepRollbackUp); err != nil {
			return nil, nil, err
		}
	}
	r.report.Phase(progress.RollingBack, "bringing the old images back")
	lines, err := ensureImages(ctx, eng, f.Pins)
	if err != nil {
		return nil, lines, err
	}
	if err := ensureComposeImages(ctx, eng, dep.Path, nil); err != nil {
		return nil, lines, err
	}
	if f.Snapshot != nil {
		// Containers the upgrade stopped and compose keeps get their own
		// restart policies back; recreated ones are gone, which is fine.
		eng.RestorePolicies(ctx, *f.Snapshot)
	}
	r.report.Phase(progress.Starting, "compose up -d")
	var env []string
	if v := dep.Version(); v != "" {
		env = append(env, dep.VersionKey+"="+v) // the process environment must not override .env
	}
	if err := r.cmp.Up(ctx, dep.Path, dep.ComposeProject, env); err != nil {
		return nil, lines, fmt.Errorf("compose up: %w", err)
	}
	svcs, err := serviceNames(dep.Path)
	if err != nil {
		return nil, lines, err
	}
	r.report.Phase(progress.Health, "waiting for the service to be healthy")
	reports, err := eng.WaitHealthy(ctx, dep.ComposeProject, svcs, u.Settle, u.StartTimeout)
	if err != nil {
		return reports, lines, fmt.Errorf("after the rollback: %w", err)
	}
	return reports, lines, nil
}

// quiesce stops the project's containers before the restore does. A
// crash-looping container can refuse a restart-policy update while it is
// between two runs ("container not running"), so the stop is tried again
// a few times; whatever the new version's containers are left with does
// not matter, compose up replaces them.
// It returns what ran first, so that the caller can start it again.
func (u *Upgrader) quiesce(ctx context.Context, eng Engine, project string) (docker.Snapshot, error) {
	first, err := eng.Snapshot(ctx, project)
	if err != nil {
		return first, fmt.Errorf("inspect the containers of %s: %w", project, err)
	}
	for attempt := 0; attempt < quiesceAttempts; attempt++ {
		var snap docker.Snapshot
		if snap, err = eng.Snapshot(ctx, project); err == nil {
			if _, err = eng.Stop(ctx, snap, u.StopTimeout); err == nil {
				return first, nil
			}
		}
		if serr := docker.Sleep(ctx, quiescePause); serr != nil {
			return first, serr
		}
	}
	return first, fmt.Errorf("stop the containers of %s: %w", project, err)
}

// unchangedError is a rollback that failed before it changed anything: the
// files and containers are as they were.
type unchangedError struct{ err error }

func (e *unchangedError) Error() string { return e.err.Error() }
func (e *unchangedError) Unwrap() error { return e.err }

const (
	quiesceAttempts = 5
	quiescePause    = 500 * time.Millisecond
)

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
