// Package service is Rewind's one composition root: it opens the catalog,
// builds the operation kernel and the backup, restore and upgrade managers
// over it with one Docker connection, and recovers interrupted operations
// once, at open. The desktop app and the command line are both clients of
// it: each of their actions is one call of a plain method here, returning
// (T, error), so that a later client can be served the same surface.
package service

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"rewind/backend/backup"
	"rewind/backend/deployment"
	"rewind/backend/op"
	"rewind/backend/restore"
	"rewind/backend/store"
	"rewind/backend/upgrade"
)

// Options say what to open.
type Options struct {
	// StateDir is the state directory as given (a flag, or ""): StateDir
	// resolves it.
	StateDir string
	// Project is the deployment directory to work on; "" means
	// $REWIND_PROJECT, else the deployment most recently used.
	Project string
	// What says what the process is doing ("rewind backup create"), for the
	// message a second process gets while this one holds the catalog.
	What string
}

// Service is an opened catalog with its managers.
type Service struct {
	stateDir string
	project  string

	store    *store.Store
	kernel   *op.Kernel
	backups  *backup.Manager
	restorer *restore.Restorer
	upgrader *upgrade.Upgrader

	warnings    []string // the catalog's, from opening it
	recovered   []string // what recovery did, one line per action
	recoveryErr error    // what recovery could not settle
}

// Open opens the catalog (failing at once when another process holds it),
// builds the managers and settles every interrupted operation. What the
// catalog and recovery report is kept: Warnings, Recovered, Status.
func Open(ctx context.Context, o Options) (*Service, error) {
	dir, err := StateDir(o.StateDir)
	if err != nil {
		return nil, err
	}
	project := o.Project
	if project == "" {
		project = os.Getenv("REWIND_PROJECT")
	}
	st, err := store.Open(dir, o.What)
	if err != nil {
		return nil, err
	}
	s := &Service{stateDir: dir, project: project, store: st, kernel: op.New(st), warnings: st.Warnings()}
	s.backups = backup.New(s.kernel, backupEngine)
	s.restorer = restore.New(s.kernel, s.backups, backupEngine)
	s.upgrader = upgrade.New(s.kernel, s.backups, s.restorer, upgradeEngine, nil)
	s.recovered, s.recoveryErr = s.recover(ctx)
	return s, nil
}

// recover settles the operations a crash or a kill interrupted: the kernel
// runs every kind's recovery in its fixed order (restore, backup, upgrade,
// rollback), each under its deployment's lock. It runs once, in Open.
func (s *Service) recover(ctx context.Context) ([]string, error) {
	s.kernel.Register(s.restorer.Recoverer())
	s.kernel.Register(s.backups.Recoverer())
	for _, r := range s.upgrader.Recoverers() {
		s.kernel.Register(r)
	}
	return s.kernel.Recover(ctx)
}

// Close closes the catalog and releases its lock.
func (s *Service) Close() error { return s.store.Close() }

// Warnings are the problems opening the catalog recovered from (a journal
// moved aside, a catalog recreated from the settings file). Never nil.
func (s *Service) Warnings() []string { return append([]string{}, s.warnings...) }

// Recovered returns what recovery at open did, one line per action, and
// what it could not settle (left journaled for the next start).
func (s *Service) Recovered() ([]string, error) {
	return append([]string{}, s.recovered...), s.recoveryErr
}

// Notes are the lines the desktop app shows about opening: what recovery
// did, what it could not settle, and the catalog's warnings. Never nil.
func (s *Service) Notes() []string {
	out := append([]string{}, s.recovered...)
	if s.recoveryErr != nil {
		out = append(out, "recovery incomplete: "+s.recoveryErr.Error())
	}
	return append(out, s.warnings...)
}

// Resolve returns the deployment to work on: the one at the project
// directory, else the one most recently used.
func (s *Service) Resolve(ctx context.Context) (deployment.Deployment, error) {
	return deployment.Resolve(ctx, s.store, s.project)
}

// Use marks d as the deployment being worked on (the most recently used
// one from now on) and says so in the catalog's lock: what is a command
// ("rewind backup create").
func (s *Service) Use(ctx context.Context, d deployment.Deployment, what string) error {
	s.store.SetWhat(what + " " + d.Name) // only a message: it may fail
	return s.store.TouchDeployment(ctx, d.ID)
}

// Init registers the deployment at o.Path (the project directory when
// empty), or updates its settings.
func (s *Service) Init(ctx context.Context, o deployment.InitOptions) (deployment.Deployment, error) {
	if o.Path == "" {
		o.Path = s.project
	}
	return deployment.Init(ctx, s.store, s.stateDir, o)
}

// StateDir resolves the state directory: flag, REWIND_STATE, then
// $XDG_DATA_HOME/rewind or ~/.local/share/rewind.
func StateDir(flag string) (string, error) {
	if flag != "" {
		return filepath.Abs(flag)
	}
	if s := os.Getenv("REWIND_STATE"); s != "" {
		return filepath.Abs(s)
	}
	if x := os.Getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "rewind"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("cannot find the state directory: %w; pass --state DIR", err)
	}
	return filepath.Join(home, ".local", "share", "rewind"), nil
}
