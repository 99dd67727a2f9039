package main

import (
	"context"
	"errors"
	"os"
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
	st.SetWhat("desktop app")
	a := &App{stateDir: dir, project: project, store: st}
	a.backups = backup.New(st, dir, cli.ConnectDocker)
	a.restorer = restore.New(st, a.backups, cli.ConnectDocker)
	for _, recover := range []func(context.Context) ([]string, error){a.restorer.Recover, a.backups.Recover} {
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

func (a *App) deployment() (store.Deployment, error) {
	return deployment.Resolve(context.Background(), a.store, a.project)
}

// Status is the header's data.
type Status struct {
	Deployment *store.Deployment  `json:"deployment"`
	Version    string             `json:"version"`
	Docker     cli.DockerStatus   `json:"docker"`
	Services   []docker.Container `json:"services"`
	Recovery   []string           `json:"recovery"`
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
	s.Deployment, s.Version = &d, deployment.Version(d)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.Docker, s.Services = cli.DockerStatusOf(ctx, d.ComposeProject)
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
