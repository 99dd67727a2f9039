package upgrade

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"rewind/backend/archive"
	"rewind/backend/backup"
	"rewind/backend/compose"
	"rewind/backend/deployment"
	"rewind/backend/docker"
	"rewind/backend/op"
	"rewind/backend/progress"
	"rewind/backend/store"
)

// Upgrade moves the deployment to req.To. It returns a *PreflightError when
// the upgrade was refused before anything changed, and a *FailedError when
// it failed later, saying whether it was rolled back and whether the
// service is healthy again; Result tells the same in Outcome and Message.
func (u *Upgrader) Upgrade(ctx context.Context, dep deployment.Deployment, req Request, report progress.Report) (res Result, err error) {
	report, start := progress.Or(report), u.Now()
	res = Result{Health: []docker.HealthReport{}, RollbackHealth: []docker.HealthReport{}, Warnings: []string{}}
	window := req.HealthWindow
	if window <= 0 {
		window = DefaultHealthWindow
	}
	o := op.For(u.Kernel, &UpgradeSpec, dep, facts{To: req.To, VersionKey: dep.VersionKey, NoRollback: req.NoRollback, Pins: []Pin{}})
	ctx, err = o.Begin(ctx, "upgrade to "+req.To, stepStop)
	defer o.End(ctx, &err)
	if err != nil {
		return res, cancelledUnchanged(ctx, req.To, err)
	}
	pf, eng, cmp, err := u.preflight(ctx, dep, req.To, true, report)
	res.Preflight = pf
	res.Warnings = append(res.Warnings, pf.Warnings...)
	if err != nil {
		return res, cancelledUnchanged(ctx, req.To, err)
	}
	defer eng.Close()
	r := &run{u: u, dep: dep, eng: eng, cmp: cmp, report: report, o: o, res: &res, start: start}
	err = r.upgrade(ctx, req, window)
	res.Upgrade = r.up
	return res, cancelledUnchanged(ctx, req.To, err)
}

// cancelledUnchanged words a cancellation that came before the upgrade
// changed anything (while checking, or recording it) the way the admin
// reads it. abort and failed word the later ones themselves.
func cancelledUnchanged(ctx context.Context, to string, err error) error {
	if !op.IsCancel(ctx, err) || errors.As(err, new(*op.CancelledError)) {
		return err
	}
	return op.Cancelled(err, fmt.Sprintf("the upgrade to %s was cancelled; nothing was changed", to))
}

// run is one upgrade or rollback in progress, or taken up by recovery.
type run struct {
	u      *Upgrader
	dep    deployment.Deployment
	eng    Engine
	cmp    Compose
	report progress.Report
	o      *op.Op[facts]
	up     store.Upgrade
	res    *Result   // an upgrade's; nil for a rollback
	start  time.Time // when the upgrade was asked for
	// resume is the step a run built for recovery takes up; "" for a new
	// run. From stepRollbackUp the files are back already.
	resume op.Step
}

func (r *run) upgrade(ctx context.Context, req Request, window time.Duration) error {
	u, dep, from, f := r.u, r.dep, r.res.Preflight.From, &r.o.Facts
	r.up = store.Upgrade{DeploymentID: dep.ID, FromVersion: from, ToVersion: req.To, Status: store.UpgradeRunning,
		StartedAt: r.start, ImagesBefore: []archive.ServiceImage{}, ImagesAfter: []archive.ServiceImage{}}
	id, err := u.Store.InsertUpgrade(ctx, r.up)
	if err != nil {
		return err
	}
	r.up.ID = id
	f.UpgradeID, f.From = id, from
	if err := r.o.Save(ctx); err != nil {
		return r.abort(ctx, "could not journal the upgrade", err)
	}

	// Stop the services and keep them stopped until compose up: nothing can
	// write between the backup and the upgrade, so a rollback loses nothing.
	r.report.Phase(progress.Stopping, "stopping services")
	snap, err := r.eng.Snapshot(ctx, dep.ComposeProject)
	if err != nil {
		return r.abort(ctx, "could not inspect the running containers", err)
	}
	f.Snapshot, f.Stopped = &snap, true
	if err := r.o.Step(ctx, stepStop); err != nil {
		return r.abort(ctx, "journal", err)
	}
	stopRep, err := r.eng.Stop(ctx, snap, u.StopTimeout)
	r.res.Warnings = append(r.res.Warnings, stopRep.Warnings()...)
	if err != nil {
		return r.abort(ctx, "could not stop the services", err)
	}
	if err := r.o.Step(ctx, stepBackup); err != nil {
		return r.abort(ctx, "journal", err)
	}
	br, err := u.Backups.Create(ctx, dep, backup.CreateRequest{Type: backup.TypePreUpgrade,
		Version: from, Description: fmt.Sprintf("before the upgrade to %s (upgrade #%d)", req.To, id)}, r.report)
	r.res.Warnings = append(r.res.Warnings, br.Warnings...)
	if err != nil {
		return r.abort(ctx, "the pre-upgrade backup failed", err)
	}
	rec := br.Record
	r.res.Backup, f.BackupID, r.up.BackupID = &rec, rec.ID, rec.ID

	// Pin what ran.
	r.report.Phase(progress.Preparing, "pinning the running images")
	cur, _ := compose.Services(dep.Path, nil)
	f.Pins = planPins(ctx, r.eng, snap, cur, dep.ComposeProject, id)
	if err := r.o.Step(ctx, stepPin); err != nil {
		return r.abort(ctx, "journal", err)
	}
	if err := pin(ctx, r.eng, dep.ComposeProject, id, f.Pins); err != nil {
		return r.abort(ctx, "could not pin the running images", err)
	}
	for _, p := range f.Pins {
		r.up.ImagesBefore = append(r.up.ImagesBefore, p.serviceImage())
	}
	if err := u.Store.UpdateUpgrade(ctx, r.up); err != nil {
		return r.abort(ctx, "record the upgrade", err)
	}
	if err := ctx.Err(); err != nil {
		return r.abort(ctx, "canceled", err)
	}

	// From here on the deployment changes.
	if err := r.o.Step(ctx, stepEnv); err != nil {
		return r.abort(ctx, "journal", err)
	}
	r.report.Phase(progress.Upgrading, fmt.Sprintf("setting %s=%s in .env", dep.VersionKey, req.To))
	if err := compose.SetEnvValue(envPath(dep), dep.VersionKey, req.To); err != nil {
		if rerr := revertEnv(dep, from); rerr == nil {
			return r.abort(ctx, "could not set the version in .env", err)
		}
		return r.failed(ctx, fmt.Errorf("set %s in .env: %w", dep.VersionKey, err))
	}
	if err := r.o.Step(ctx, stepUp); err != nil {
		return r.failed(ctx, err)
	}
	r.report.Phase(progress.Upgrading, "compose up -d")
	// Containers compose keeps (unchanged services) start with their own
	// restart policies, not the "no" the stop set.
	if err := r.eng.RestorePolicies(ctx, snap); err != nil {
		return r.failed(ctx, fmt.Errorf("restore restart policies: %w", err))
	}
	if err := r.cmp.Up(ctx, dep.Path, dep.ComposeProject, []string{dep.VersionKey + "=" + req.To}); err != nil {
		return r.failed(ctx, fmt.Errorf("compose up: %w", err))
	}
	if err := r.o.Step(ctx, stepHealth); err != nil {
		return r.failed(ctx, err)
	}
	svcs, err := serviceNames(dep.Path)
	if err != nil {
		return r.failed(ctx, err)
	}
	reports, err := r.watch(ctx, svcs, window)
	r.res.Health = reports
	if err != nil {
		return r.failed(ctx, fmt.Errorf("health window: %w", err))
	}
	r.up.ImagesAfter = r.images(ctx)
	if err := r.o.Step(ctx, stepDone); err != nil {
		return r.failed(ctx, err)
	}
	r.up.Status = store.UpgradeSucceeded
	r.finishRow(ctx)
	r.res.Warnings = append(r.res.Warnings, u.releasePins(ctx, r.eng, dep, id)...)
	r.res.Outcome = OutcomeSucceeded
	r.res.Message = fmt.Sprintf("upgraded from %s to %s; healthy through the %s health window", orNone(from), req.To, window)
	r.report.Phase(progress.Done, r.res.Message)
	return nil
}

// abort ends an upgrade that failed before the deployment changed: the
// stopped services are started again. The journal row ends failed, or
// canceled, with the message.
func (r *run) abort(ctx context.Context, what string, cause error) error {
	msg := fmt.Sprintf("upgrade to %s failed before anything changed: %s: %v", r.up.ToVersion, what, cause)
	if op.IsCancel(ctx, cause) {
		msg = fmt.Sprintf("upgrade to %s was cancelled before anything changed", r.up.ToVersion)
		cause = op.Cancelled(cause, msg)
	}
	ctx = context.WithoutCancel(ctx)
	after := "; version " + orNone(r.up.FromVersion) + " still runs"
	var startErr error
	f := r.o.Facts
	r.res.Warnings = append(r.res.Warnings, unpin(ctx, r.eng, r.dep.ComposeProject, r.up.ID, f.Pins)...)
	if f.Stopped && f.Snapshot != nil {
		r.report.Phase(progress.Starting, "starting the services again")
		if startErr = r.u.restart(ctx, r.eng, *f.Snapshot); startErr != nil {
			after = "; the services could not be started again, needs attention: " + startErr.Error()
		}
	}
	r.up.Status, r.up.Error = store.UpgradeFailed, msg+after
	r.finishRow(ctx)
	r.res.Outcome, r.res.Message = OutcomeFailed, msg+after
	return &FailedError{Outcome: OutcomeFailed, Message: r.res.Message, Err: errors.Join(cause, startErr), target: ErrFailed}
}

// restart restores the policies and starts the containers of snap that ran.
func (u *Upgrader) restart(ctx context.Context, eng Engine, snap docker.Snapshot) error {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), u.StartTimeout+time.Minute)
	defer cancel()
	return eng.Start(sctx, snap, u.StartTimeout)
}

// failed ends an upgrade that failed after the deployment changed: it rolls
// back unless that was disabled, and says truthfully how that went. A
// cancellation (the admin's, in the health window) rolls back too.
func (r *run) failed(ctx context.Context, cause error) error {
	head := fmt.Sprintf("upgrade to %s failed: %v", r.up.ToVersion, cause)
	if op.IsCancel(ctx, cause) {
		head = fmt.Sprintf("upgrade to %s was cancelled", r.up.ToVersion)
		cause = op.Cancelled(cause, op.CancelledReason)
	}
	ctx = context.WithoutCancel(ctx)
	r.up.Error = cause.Error()
	r.up.ImagesAfter = r.images(ctx)
	if r.o.Facts.NoRollback {
		r.up.Status = store.UpgradeFailed
		r.finishRow(ctx)
		r.res.Outcome = OutcomeFailed
		r.res.Message = fmt.Sprintf("%s; not rolled back (automatic rollback was off): version %s is in place; a rollback goes back to %s",
			head, r.up.ToVersion, orNone(r.up.FromVersion))
		return &FailedError{Outcome: OutcomeFailed, Message: r.res.Message, Err: cause, target: ErrNotRolledBack}
	}
	r.up.RollbackReason = cause.Error()
	r.o.Facts.Reason = cause.Error()
	reports, lines, rerr := r.rollBack(ctx)
	r.res.RollbackHealth = nonNil(reports)
	r.res.Warnings = append(r.res.Warnings, lines...)
	r.recordRollback(ctx, rerr)
	r.res.Warnings = append(r.res.Warnings, r.u.releasePins(ctx, r.eng, r.dep, r.up.ID)...)
	if rerr != nil {
		r.res.Outcome = OutcomeRollbackFailed
		r.res.Message = fmt.Sprintf("%s; rollback failed, needs attention: %v", head, rerr)
		var unchanged *unchangedError
		if errors.As(rerr, &unchanged) {
			r.res.Message += fmt.Sprintf("; version %s is still in place", r.up.ToVersion)
		}
		return &FailedError{Outcome: OutcomeRollbackFailed, Message: r.res.Message, Err: errors.Join(cause, rerr), target: ErrFailed}
	}
	r.res.Outcome = OutcomeRolledBack
	r.res.Message = fmt.Sprintf("%s; rolled back to %s, service healthy", head, orNone(r.up.FromVersion))
	return &FailedError{Outcome: OutcomeRolledBack, Message: r.res.Message, Err: cause, target: ErrFailed}
}

// finishRow records how the upgrade ended in its history row.
func (r *run) finishRow(ctx context.Context) {
	r.u.finishTimes(&r.up)
	if r.up.ID != 0 {
		if err := r.u.Store.UpdateUpgrade(context.WithoutCancel(ctx), r.up); err != nil {
			r.warnUnrecorded(err)
		}
	}
}

// recordRollback records a rollback's outcome in the upgrade's history row.
func (r *run) recordRollback(ctx context.Context, rerr error) {
	var err error
	if r.up, err = r.u.recordRollback(ctx, r.up, r.o.Facts.Reason, rerr); err != nil {
		r.warnUnrecorded(err)
	}
}

func (r *run) warnUnrecorded(err error) {
	if r.res != nil {
		r.res.Warnings = append(r.res.Warnings, "could not record the upgrade's outcome: "+err.Error())
	}
}

// images returns what each service runs now (best effort).
func (r *run) images(ctx context.Context) []archive.ServiceImage {
	snap, err := r.eng.Snapshot(context.WithoutCancel(ctx), r.dep.ComposeProject)
	if err != nil {
		return []archive.ServiceImage{}
	}
	return snap.Images()
}

func envPath(dep deployment.Deployment) string { return filepath.Join(dep.Path, ".env") }

// revertEnv sets the version key back; it cannot express an absent key.
func revertEnv(dep deployment.Deployment, from string) error {
	if from == "" {
		return errors.New("the version key had no value before the upgrade")
	}
	return compose.SetEnvValue(envPath(dep), dep.VersionKey, from)
}

func serviceNames(dir string) ([]string, error) {
	svcs, err := compose.Services(dir, nil)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(svcs))
	for _, s := range svcs {
		out = append(out, s.Name)
	}
	return out, nil
}

func orNone(v string) string {
	if v == "" {
		return "(none)"
	}
	return v
}

func joinText(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
