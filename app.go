package main

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"rewind/backend/backup"
	"rewind/backend/deployment"
	"rewind/backend/jobs"
	"rewind/backend/progress"
	"rewind/backend/restore"
	"rewind/backend/service"
	"rewind/backend/store"
	"rewind/backend/upgrade"
	"rewind/backend/view"
)

// App is the facade the frontend calls. Each method is a thin adapter over
// the service; long work runs as a job and returns its ID at once.
type App struct {
	ctx  context.Context // the Wails context, set in startup
	svc  *service.Service
	jobs *jobs.Runner
}

// NewApp opens the service: the catalog (failing fast when another process
// owns it), with the interrupted operations recovered.
func NewApp(stateFlag, project string) (*App, error) {
	svc, err := service.Open(context.Background(), service.Options{StateDir: stateFlag, Project: project, What: "rewind (desktop app)"})
	if err != nil {
		return nil, err
	}
	a := &App{svc: svc}
	a.jobs = jobs.New(func(j view.Job) {
		if a.ctx != nil {
			runtime.EventsEmit(a.ctx, view.JobEvent, j)
		}
	})
	return a, nil
}

func (a *App) startup(ctx context.Context) { a.ctx = ctx }

// beforeClose keeps the window open while a job runs that must not be cut short.
func (a *App) beforeClose(ctx context.Context) bool {
	if !a.jobs.Running() {
		return false
	}
	choice, err := runtime.MessageDialog(ctx, runtime.MessageDialogOptions{
		Type: runtime.QuestionDialog, Title: "Rewind",
		Message: "An operation is still running. Closing now cancels it where that is safe and waits for it to stop. Close anyway?",
		Buttons: []string{"Close", "Keep open"}, DefaultButton: "Keep open", CancelButton: "Keep open",
	})
	return err != nil || choice != "Close"
}

func (a *App) shutdown(ctx context.Context) {
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	a.jobs.Shutdown(sctx)
	a.svc.Close()
}

func (a *App) deployment() (deployment.Deployment, error) {
	return a.svc.Resolve(context.Background())
}

func isNotConfigured(err error) bool { return errors.Is(err, deployment.ErrNotConfigured) }

// list runs a listing of the deployment; with no deployment configured it
// returns none (empty, never nil).
func list[T any](a *App, fn func(context.Context, deployment.Deployment) ([]T, error)) ([]T, error) {
	d, err := a.deployment()
	if isNotConfigured(err) {
		return []T{}, nil
	}
	if err != nil {
		return nil, err
	}
	return fn(context.Background(), d)
}

// with runs fn on the deployment.
func with[T any](a *App, fn func(context.Context, deployment.Deployment) (T, error)) (T, error) {
	d, err := a.deployment()
	if err != nil {
		var zero T
		return zero, err
	}
	return fn(context.Background(), d)
}

// start starts a job on the deployment; title names it for the deployment.
// Warnings in the result (backup.CreateResult and the like) go to the job's log.
func (a *App) start(kind string, cancellable bool, title func(deployment.Deployment) string,
	fn func(context.Context, deployment.Deployment, progress.Report) (any, []string, error)) (string, error) {
	d, err := a.deployment()
	if err != nil {
		return "", err
	}
	return a.jobs.Start(kind, title(d), cancellable, func(ctx context.Context, report progress.Report, log func(string)) (any, error) {
		res, warnings, err := fn(ctx, d, report)
		for _, w := range warnings {
			log(w)
		}
		return res, err
	}), nil
}

// Status is the header's data.
type Status = service.Status

// GetStatus returns the deployment, its running version, Docker's
// reachability, each service's state and what recovery did at start. With
// no deployment configured, Deployment is null.
func (a *App) GetStatus() (Status, error) { return a.svc.Status(context.Background()) }

// ListBackups returns the deployment's backups, newest first.
func (a *App) ListBackups() ([]backup.Record, error) { return list(a, a.svc.ListBackups) }

// GetBackup returns a backup's manifest, size breakdown and (up to 5000) entries.
func (a *App) GetBackup(id int64) (backup.Details, error) {
	return with(a, func(ctx context.Context, d deployment.Deployment) (backup.Details, error) {
		return a.svc.ShowBackup(ctx, d, id, 5000)
	})
}

// StartBackup starts a backup job and returns its ID.
func (a *App) StartBackup(req backup.CreateRequest) (string, error) {
	return a.start("backup", true, func(d deployment.Deployment) string { return "Backup of " + d.Name },
		func(ctx context.Context, d deployment.Deployment, report progress.Report) (any, []string, error) {
			res, err := a.svc.CreateBackup(ctx, d, req, report)
			return res, res.Warnings, err
		})
}

// StartVerify starts verifying a backup and returns the job ID.
func (a *App) StartVerify(id int64) (string, error) {
	return a.start("verify", true, func(deployment.Deployment) string { return "Verify backup #" + strconv.FormatInt(id, 10) },
		func(ctx context.Context, d deployment.Deployment, report progress.Report) (any, []string, error) {
			res, err := a.svc.VerifyBackup(ctx, d, id, report)
			return res, nil, err
		})
}

// DeleteBackup deletes a backup's file and record.
func (a *App) DeleteBackup(id int64) (backup.DeleteResult, error) {
	return with(a, func(ctx context.Context, d deployment.Deployment) (backup.DeleteResult, error) {
		return a.svc.DeleteBackup(ctx, d, id)
	})
}

// ListJobs returns every job of this session, newest first.
func (a *App) ListJobs() []view.Job { return a.jobs.List() }

// CancelJob cancels a running job where that is safe.
func (a *App) CancelJob(id string) error { return a.jobs.Cancel(id) }

// PlanRestore previews restoring a backup in a mode: what is replaced,
// added, removed and lost. Nothing changes.
func (a *App) PlanRestore(id int64, mode string) (restore.Plan, error) {
	return with(a, func(ctx context.Context, d deployment.Deployment) (restore.Plan, error) {
		return a.svc.PlanRestore(ctx, d, id, restore.Mode(mode))
	})
}

// StartRestore starts a restore job. confirmation must be the deployment's
// name when the plan discards data. Cancellation is honoured until the
// commit point; from the swap on the restore (or its undo) runs to the end.
func (a *App) StartRestore(id int64, mode string, confirmation string) (string, error) {
	m, err := restore.ParseMode(mode)
	if err != nil {
		return "", err
	}
	title := "Restore of backup #" + strconv.FormatInt(id, 10) + " (" + string(m) + ")"
	return a.start("restore", true, func(deployment.Deployment) string { return title },
		func(ctx context.Context, d deployment.Deployment, report progress.Report) (any, []string, error) {
			res, err := a.svc.Restore(ctx, d, id, restore.Options{Mode: m, Confirmation: confirmation}, report)
			return res, res.Warnings, err
		})
}

// UpgradeRequest is what the upgrade screen sends.
type UpgradeRequest struct {
	To                  string `json:"to"`
	NoRollback          bool   `json:"noRollback"`
	HealthWindowSeconds int    `json:"healthWindowSeconds"` // 0: 60 s
}

// CheckUpgrade runs the upgrade preflight for a target version and changes nothing.
func (a *App) CheckUpgrade(to string) (upgrade.Preflight, error) {
	return with(a, func(ctx context.Context, d deployment.Deployment) (upgrade.Preflight, error) {
		return a.svc.CheckUpgrade(ctx, d, to)
	})
}

// StartUpgrade starts an upgrade job: preflight, pre-upgrade backup, pins,
// compose up, health window, and an automatic rollback on failure.
func (a *App) StartUpgrade(req UpgradeRequest) (string, error) {
	r := upgrade.Request{To: req.To, NoRollback: req.NoRollback, HealthWindow: time.Duration(req.HealthWindowSeconds) * time.Second}
	return a.start("upgrade", true, func(d deployment.Deployment) string { return "Upgrade of " + d.Name + " to " + req.To },
		func(ctx context.Context, d deployment.Deployment, report progress.Report) (any, []string, error) {
			res, err := a.svc.Upgrade(ctx, d, r, report)
			return res, res.Warnings, err
		})
}

// ListUpgrades returns the deployment's upgrade history, newest first.
func (a *App) ListUpgrades() ([]store.Upgrade, error) { return list(a, a.svc.ListUpgrades) }

// PlanRollback says what rolling back an upgrade would do (0: the newest
// upgrade still in effect).
func (a *App) PlanRollback(upgradeID int64) (upgrade.RollbackPlan, error) {
	return with(a, func(ctx context.Context, d deployment.Deployment) (upgrade.RollbackPlan, error) {
		return a.svc.PlanRollback(ctx, d, upgradeID)
	})
}

// StartRollback starts rolling back an upgrade (0: the newest still in effect).
func (a *App) StartRollback(upgradeID int64) (string, error) {
	return a.start("rollback", false, func(d deployment.Deployment) string { return "Roll back of " + d.Name },
		func(ctx context.Context, d deployment.Deployment, report progress.Report) (any, []string, error) {
			res, err := a.svc.Rollback(ctx, d, upgradeID, report)
			return res, nil, err
		})
}

// ListOperations returns the activity history: backups, restores, upgrades
// and rollbacks with their outcome and duration, newest first.
func (a *App) ListOperations(limit int) ([]store.Operation, error) {
	return list(a, func(ctx context.Context, d deployment.Deployment) ([]store.Operation, error) {
		return a.svc.ListOperations(ctx, d, limit)
	})
}

// Settings are a deployment's settings as the settings screen edits them.
type Settings = service.Settings

// GetSettings returns the deployment's settings and retention policy.
func (a *App) GetSettings() (Settings, error) { return with(a, a.svc.Settings) }

// SaveSettings checks and saves data paths, excludes, the version key and
// the retention policy. The storage directory changes only through
// StartMoveStorage.
func (a *App) SaveSettings(s Settings) (Settings, error) {
	return with(a, func(ctx context.Context, d deployment.Deployment) (Settings, error) {
		return a.svc.SaveSettings(ctx, d, s)
	})
}

// PruneBackups applies the saved retention policy (or only lists what would
// go, with dryRun).
func (a *App) PruneBackups(dryRun bool) (backup.PruneResult, error) {
	return with(a, func(ctx context.Context, d deployment.Deployment) (backup.PruneResult, error) {
		s, err := a.svc.Settings(ctx, d)
		if err != nil {
			return backup.PruneResult{}, err
		}
		return a.svc.PruneBackups(ctx, d, s.Retention, dryRun)
	})
}

// StartMoveStorage starts moving every archive to dir.
func (a *App) StartMoveStorage(dir string) (string, error) {
	return a.start("move", true, func(deployment.Deployment) string { return "Move storage to " + dir },
		func(ctx context.Context, d deployment.Deployment, report progress.Report) (any, []string, error) {
			res, err := a.svc.MoveStorage(ctx, d, dir, report)
			return res, nil, err
		})
}
