package main

import (
	"context"
	"errors"
	"os"
	"rewind/backend/op"
	"strconv"
	"time"

	"github.com/wailsapp/wails/v2/pkg/runtime"

	"rewind/backend/backup"
	"rewind/backend/cli"
	"rewind/backend/deployment"
	"rewind/backend/docker"
	"rewind/backend/jobs"
	"rewind/backend/progress"
	"rewind/backend/restore"
	"rewind/backend/store"
	"rewind/backend/upgrade"
	"rewind/backend/view"
)

// App is the facade the frontend calls. Each method is a thin adapter over
// the backend; long work runs as a job and returns its ID at once.
type App struct {
	ctx      context.Context // the Wails context, set in startup
	stateDir string
	project  string
	store    *store.Store
	backups  *backup.Manager
	restorer *restore.Restorer
	upgrader *upgrade.Upgrader
	jobs     *jobs.Runner
	recovery []string
}

// NewApp opens the catalog (failing fast when another process owns it) and
// recovers interrupted operations.
func NewApp(stateFlag, project string) (*App, error) {
	dir, err := cli.StateDir(stateFlag)
	if err != nil {
		return nil, err
	}
	if project == "" {
		project = os.Getenv("REWIND_PROJECT")
	}
	st, err := store.Open(dir)
	if err != nil {
		return nil, err
	}
	st.SetWhat("rewind (desktop app)")
	a := &App{stateDir: dir, project: project, store: st}
	a.backups = backup.New(op.New(st), cli.ConnectDocker)
	a.restorer = restore.New(a.backups.Kernel, a.backups, cli.ConnectDocker)
	a.upgrader = upgrade.New(a.backups.Kernel, a.backups, a.restorer, upgrade.ConnectDocker, nil)
	for _, recover := range []func(context.Context) ([]string, error){a.upgrader.Recover, a.restorer.Recover, a.backups.Recover} {
		lines, err := recover(context.Background())
		a.recovery = append(a.recovery, lines...)
		if err != nil {
			a.recovery = append(a.recovery, "recovery incomplete: "+err.Error())
		}
	}
	a.recovery = append(a.recovery, st.Warnings()...)
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
	a.store.Close()
}

func (a *App) deployment() (deployment.Deployment, error) {
	return deployment.Resolve(context.Background(), a.store, a.project)
}

// Status is the header's data.
type Status struct {
	Deployment *deployment.Deployment `json:"deployment"`
	Version    string                 `json:"version"`
	Docker     cli.DockerStatus       `json:"docker"`
	Services   []docker.Container     `json:"services"`
	Recovery   []string               `json:"recovery"`
	// LastUpgrade is the newest upgrade and its outcome, or null.
	LastUpgrade *store.Upgrade `json:"lastUpgrade"`
}

// GetStatus returns the deployment, its running version, Docker's
// reachability and each service's state. With no deployment configured,
// Deployment is null.
func (a *App) GetStatus() (Status, error) {
	s := Status{Services: []docker.Container{}, Recovery: append([]string{}, a.recovery...)}
	d, err := a.deployment()
	if err != nil {
		if isNotConfigured(err) {
			return s, nil
		}
		return s, err
	}
	s.Deployment, s.Version = &d, d.Version()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.Docker, s.Services = cli.DockerStatusOf(ctx, d.ComposeProject)
	if ups, err := a.store.ListUpgrades(ctx, d.ID); err == nil && len(ups) > 0 {
		s.LastUpgrade = &ups[0]
	}
	return s, nil
}

// ListBackups returns the deployment's backups, newest first.
func (a *App) ListBackups() ([]backup.Record, error) {
	d, err := a.deployment()
	if err != nil {
		if isNotConfigured(err) {
			return []backup.Record{}, nil
		}
		return nil, err
	}
	return a.backups.List(context.Background(), d)
}

// GetBackup returns a backup's manifest, size breakdown and (up to 5000) entries.
func (a *App) GetBackup(id int64) (backup.Details, error) {
	d, err := a.deployment()
	if err != nil {
		return backup.Details{}, err
	}
	return a.backups.Show(context.Background(), d, id, 5000)
}

// StartBackup starts a backup job and returns its ID.
func (a *App) StartBackup(req backup.CreateRequest) (string, error) {
	d, err := a.deployment()
	if err != nil {
		return "", err
	}
	return a.jobs.Start("backup", "Backup of "+d.Name, true, func(ctx context.Context, report progress.Report, log func(string)) (any, error) {
		res, err := a.backups.Create(ctx, d, req, report)
		for _, w := range res.Warnings {
			log(w)
		}
		return res, err
	}), nil
}

// StartVerify starts verifying a backup and returns the job ID.
func (a *App) StartVerify(id int64) (string, error) {
	d, err := a.deployment()
	if err != nil {
		return "", err
	}
	return a.jobs.Start("verify", "Verify backup #"+strconv.FormatInt(id, 10), true, func(ctx context.Context, report progress.Report, _ func(string)) (any, error) {
		return a.backups.Verify(ctx, d, id, report)
	}), nil
}

// DeleteBackup deletes a backup's file and record.
func (a *App) DeleteBackup(id int64) (backup.DeleteResult, error) {
	d, err := a.deployment()
	if err != nil {
		return backup.DeleteResult{}, err
	}
	return a.backups.Delete(context.Background(), d, id)
}

// ListJobs returns every job of this session, newest first.
func (a *App) ListJobs() []view.Job { return a.jobs.List() }

// CancelJob cancels a running job where that is safe.
func (a *App) CancelJob(id string) error { return a.jobs.Cancel(id) }

func isNotConfigured(err error) bool { return errors.Is(err, deployment.ErrNotConfigured) }

// PlanRestore previews restoring a backup in a mode: what is replaced,
// added, removed and lost. Nothing changes.
func (a *App) PlanRestore(id int64, mode string) (restore.Plan, error) {
	d, err := a.deployment()
	if err != nil {
		return restore.Plan{}, err
	}
	return a.restorer.Plan(context.Background(), d, id, restore.Mode(mode))
}

// StartRestore starts a restore job. confirmation must be the deployment's
// name when the plan discards data.
func (a *App) StartRestore(id int64, mode string, confirmation string) (string, error) {
	d, err := a.deployment()
	if err != nil {
		return "", err
	}
	m, err := restore.ParseMode(mode)
	if err != nil {
		return "", err
	}
	title := "Restore of backup #" + strconv.FormatInt(id, 10) + " (" + string(m) + ")"
	// Cancellation is honoured until the containers stop; from the swap on the
	// restore (or its undo) always runs to the end.
	return a.jobs.Start("restore", title, true, func(ctx context.Context, report progress.Report, log func(string)) (any, error) {
		res, err := a.restorer.Run(ctx, d, id, restore.Options{Mode: m, Confirmation: confirmation}, report)
		for _, w := range res.Warnings {
			log(w)
		}
		return res, err
	}), nil
}

// UpgradeRequest is what the upgrade screen sends.
type UpgradeRequest struct {
	To                  string `json:"to"`
	NoRollback          bool   `json:"noRollback"`
	HealthWindowSeconds int    `json:"healthWindowSeconds"` // 0: 60 s
}

// CheckUpgrade runs the upgrade preflight for a target version and changes nothing.
func (a *App) CheckUpgrade(to string) (upgrade.Preflight, error) {
	d, err := a.deployment()
	if err != nil {
		return upgrade.Preflight{}, err
	}
	return a.upgrader.Check(context.Background(), d, to)
}

// StartUpgrade starts an upgrade job: preflight, pre-upgrade backup, pins,
// compose up, health window, and an automatic rollback on failure.
func (a *App) StartUpgrade(req UpgradeRequest) (string, error) {
	d, err := a.deployment()
	if err != nil {
		return "", err
	}
	r := upgrade.Request{To: req.To, NoRollback: req.NoRollback, HealthWindow: time.Duration(req.HealthWindowSeconds) * time.Second}
	return a.jobs.Start("upgrade", "Upgrade of "+d.Name+" to "+req.To, true, func(ctx context.Context, report progress.Report, log func(string)) (any, error) {
		res, err := a.upgrader.Upgrade(ctx, d, r, report)
		for _, w := range res.Warnings {
			log(w)
		}
		return res, err
	}), nil
}

// ListUpgrades returns the deployment's upgrade history, newest first.
func (a *App) ListUpgrades() ([]store.Upgrade, error) {
	d, err := a.deployment()
	if err != nil {
		if isNotConfigured(err) {
			return []store.Upgrade{}, nil
		}
		return nil, err
	}
	return a.store.ListUpgrades(context.Background(), d.ID)
}

// PlanRollback says what rolling back an upgrade would do (0: the newest
// upgrade still in effect).
func (a *App) PlanRollback(upgradeID int64) (upgrade.RollbackPlan, error) {
	d, err := a.deployment()
	if err != nil {
		return upgrade.RollbackPlan{}, err
	}
	return a.upgrader.PlanRollback(context.Background(), d, upgradeID)
}

// StartRollback starts rolling back an upgrade (0: the newest still in effect).
func (a *App) StartRollback(upgradeID int64) (string, error) {
	d, err := a.deployment()
	if err != nil {
		return "", err
	}
	return a.jobs.Start("rollback", "Roll back of "+d.Name, false, func(ctx context.Context, report progress.Report, log func(string)) (any, error) {
		res, err := a.upgrader.Rollback(ctx, d, upgradeID, report)
		return res, err
	}), nil
}

// ListOperations returns the activity history: backups, restores, upgrades
// and rollbacks with their outcome and duration, newest first.
func (a *App) ListOperations(limit int) ([]store.Operation, error) {
	d, err := a.deployment()
	if err != nil {
		if isNotConfigured(err) {
			return []store.Operation{}, nil
		}
		return nil, err
	}
	return a.store.ListOperations(context.Background(), d.ID, limit)
}

// Settings are a deployment's settings as the settings screen edits them.
type Settings struct {
	DataPaths  []string      `json:"dataPaths"`
	Excludes   []string      `json:"excludes"`
	VersionKey string        `json:"versionKey"`
	StorageDir string        `json:"storageDir"`
	Retention  backup.Policy `json:"retention"`
}

// GetSettings returns the deployment's settings and retention policy.
func (a *App) GetSettings() (Settings, error) {
	d, err := a.deployment()
	if err != nil {
		return Settings{}, err
	}
	s := Settings{DataPaths: d.DataPaths, Excludes: d.Excludes, VersionKey: d.VersionKey, StorageDir: d.StorageDir}
	if _, err := a.store.GetConfig(context.Background(), d.PolicyKey(), &s.Retention); err != nil {
		return s, err
	}
	return s, nil
}

// SaveSettings updates data paths, excludes, the version key and the
// retention policy. The storage directory changes only through MoveStorage.
func (a *App) SaveSettings(s Settings) (Settings, error) {
	d, err := a.deployment()
	if err != nil {
		return Settings{}, err
	}
	// Everything is checked before anything is saved.
	if err := s.Retention.Validate(); err != nil {
		return Settings{}, err
	}
	ctx := context.Background()
	if _, err := deployment.Init(ctx, a.store, a.stateDir, deployment.InitOptions{Path: d.Path, Name: d.Name,
		DataPaths: s.DataPaths, Excludes: s.Excludes, VersionKey: s.VersionKey}); err != nil {
		return Settings{}, err
	}
	if err := a.store.SetConfig(ctx, d.PolicyKey(), s.Retention); err != nil {
		return Settings{}, err
	}
	return a.GetSettings()
}

// PruneBackups applies the saved retention policy (or only lists what would
// go, with dryRun).
func (a *App) PruneBackups(dryRun bool) (backup.PruneResult, error) {
	s, err := a.GetSettings()
	if err != nil {
		return backup.PruneResult{}, err
	}
	d, err := a.deployment()
	if err != nil {
		return backup.PruneResult{}, err
	}
	return a.backups.Prune(context.Background(), d, s.Retention, dryRun)
}

// StartMoveStorage starts moving every archive to dir.
func (a *App) StartMoveStorage(dir string) (string, error) {
	d, err := a.deployment()
	if err != nil {
		return "", err
	}
	return a.jobs.Start("move", "Move storage to "+dir, true, func(ctx context.Context, report progress.Report, _ func(string)) (any, error) {
		return a.backups.MoveStorage(ctx, d, dir, report)
	}), nil
}
