// Package upgrade moves a Compose deployment to another version safely
// (docs/operations.md, "Upgrade and rollback"): a preflight that changes nothing, a pre-upgrade
// backup taken with the services stopped, the running images pinned so that
// neither pruning nor a moved tag can take them away, the version key set in
// .env, `compose up -d`, and a health window. A failed upgrade is rolled back
// automatically: the pre-upgrade backup is restored in full (files, .env,
// compose file, data), the old images are put back under their old
// references, and the service is started and health-checked again. The same
// rollback is offered later for the newest upgrade still in effect.
//
// Both are step sequences over the operation kernel (package op): every
// step of UpgradeSpec and RollbackSpec is journaled before its
// irreversible action, so an upgrade or rollback interrupted by a crash is
// finished or undone by the kernel's recovery at the next start
// (Recoverers).
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

// Errors callers match.
var (
	ErrNoVersion   = errors.New("no target version given")
	ErrSameVersion = errors.New("the deployment already runs that version")
	ErrPreflight   = errors.New("upgrade preflight failed")
	ErrFailed      = errors.New("upgrade failed")
	// ErrNotRolledBack: the upgrade failed after it changed the deployment
	// and ran without automatic rollback. It is an ErrFailed.
	ErrNotRolledBack     = fmt.Errorf("%w and was not rolled back", ErrFailed)
	ErrRollbackFailed    = errors.New("rollback failed")
	ErrNothingToRollBack = errors.New("no upgrade to roll back")
	ErrNotInEffect       = errors.New("upgrade is no longer in effect")
	ErrNoBackup          = errors.New("no usable pre-upgrade backup")
	ErrNotConfirmed      = errors.New("rollback not confirmed")
)

// Defaults.
const (
	DefaultHealthWindow = 60 * time.Second
	defaultSettle       = 2 * time.Second
	defaultPoll         = 500 * time.Millisecond
	defaultStopTimeout  = 30 * time.Second
	defaultStartTimeout = 2 * time.Minute
	defaultKeepPins     = 3
)

// The steps of an upgrade and a rollback, journaled before the action they
// name. Recovery decides from the last one: before stepEnv nothing was
// changed but the services may be stopped; stepEnv may have changed .env
// only; from stepUp on the new version may have run and touched data, so
// the upgrade is rolled back; stepRollback and stepRollbackUp redo the
// rollback; stepDone means the health window had passed. Journals written
// by earlier versions use the same names: they must not change.
const (
	stepStop       op.Step = "stop" // also the first step, before the preflight
	stepBackup     op.Step = "backup"
	stepPin        op.Step = "pin"
	stepEnv        op.Step = "env"
	stepUp         op.Step = "up"
	stepHealth     op.Step = "health"
	stepDone       op.Step = "done"
	stepRollback   op.Step = "rollback"    // the commit point: restore the pre-upgrade backup
	stepRollbackUp op.Step = "rollback-up" // files restored: images, compose up, health
	// pointHealthHold is reached once the new version is healthy, while the
	// health window watches it.
	pointHealthHold op.Step = "health.hold"
)

// UpgradeSpec is the upgrade: its steps (a failed upgrade rolls back on its
// own journal row) and its crash point.
var UpgradeSpec = op.Spec{Kind: op.Upgrade,
	Steps:  []op.Step{stepStop, stepBackup, stepPin, stepEnv, stepUp, stepHealth, stepDone, stepRollback, stepRollbackUp},
	Points: []op.Step{pointHealthHold}}

// RollbackSpec is the rollback the admin asks for: its first step is
// journaled while it chooses the upgrade and backup, before it commits.
var RollbackSpec = op.Spec{Kind: op.Rollback, Steps: []op.Step{stepRollback, stepRollbackUp}}

// facts are what recovery needs about an upgrade or rollback in flight.
type facts struct {
	UpgradeID  int64  `json:"upgradeId"` // 0: nothing was recorded yet
	From       string `json:"from"`
	To         string `json:"to"`
	VersionKey string `json:"versionKey"`
	BackupID   int64  `json:"backupId"`
	Pins       []Pin  `json:"pins"`
	NoRollback bool   `json:"noRollback"`
	// Snapshot is what ran before the upgrade stopped it; Stopped says the
	// stop may have begun, so recovery must start those containers again
	// (or roll forward through compose up).
	Snapshot *docker.Snapshot `json:"snapshot,omitempty"`
	Stopped  bool             `json:"stopped"`
	// Reason is why a rollback runs (the upgrade's failure, or a request).
	Reason string `json:"reason,omitempty"`
}

// Engine is what upgrades call of Docker (docker.Engine): containers,
// images, and the holder containers that keep pinned images alive.
type Engine interface {
	Snapshot(ctx context.Context, project string) (docker.Snapshot, error)
	ProjectContainers(ctx context.Context, project string) ([]docker.Container, error)
	WaitHealthy(ctx context.Context, project string, services []string, window, timeout time.Duration) ([]docker.HealthReport, error)
	Stop(ctx context.Context, snap docker.Snapshot, timeout time.Duration) (docker.StopReport, error)
	Start(ctx context.Context, snap docker.Snapshot, wait time.Duration) error
	RestorePolicies(ctx context.Context, snap docker.Snapshot) error
	ImageInspect(ctx context.Context, ref string) (docker.ImageInfo, error)
	Tag(ctx context.Context, src, target string) error
	Pull(ctx context.Context, ref string) error
	RemoveTag(ctx context.Context, ref string) error
	Hold(ctx context.Context, h docker.Hold) error
	Holds(ctx context.Context, project string) ([]docker.Hold, error)
	Release(ctx context.Context, h docker.Hold) error
	Close() error
}

// Connect returns an Engine, or an error when Docker is unreachable.
type Connect func(ctx context.Context) (Engine, error)

// Compose runs the Compose CLI.
type Compose interface {
	Up(ctx context.Context, dir, project string, env []string) error
}

// FindCompose returns the Compose CLI, or an error naming what was tried.
type FindCompose func(ctx context.Context) (Compose, error)

// Restorer puts a backup back while the caller holds the deployment's lock
// (restore.Restorer).
type Restorer interface {
	Run(ctx context.Context, dep deployment.Deployment, backupID int64, opts restore.Options, report progress.Report) (restore.Result, error)
}

// Upgrader runs upgrades and rollbacks for the deployments of one catalog.
type Upgrader struct {
	Kernel   *op.Kernel
	Store    *store.Store // the kernel's
	Backups  *backup.Manager
	Restorer Restorer
	Connect  Connect
	Compose  FindCompose
	Now      func() time.Time
	// Settle is how long a container without a healthcheck must run
	// unchanged before it counts as up.
	Settle time.Duration
	// Poll is how often the health window looks at the containers.
	Poll time.Duration
	// StopTimeout is how long a container gets between SIGTERM and SIGKILL.
	StopTimeout time.Duration
	// StartTimeout bounds the wait for health after a rollback or restart.
	StartTimeout time.Duration
	// KeepPins is how many of a deployment's newest upgrades that can still
	// be rolled back keep their pinned images; older pins are released.
	KeepPins int
}

// New returns an Upgrader with default timings. findCompose may be nil for
// the real Compose CLI.
func New(k *op.Kernel, b *backup.Manager, r Restorer, connect Connect, findCompose FindCompose) *Upgrader {
	if findCompose == nil {
		findCompose = ComposeCLI
	}
	return &Upgrader{Kernel: k, Store: k.Store, Backups: b, Restorer: r, Connect: connect, Compose: findCompose,
		Now: func() time.Time { return time.Now().UTC() }, Settle: defaultSettle, Poll: defaultPoll,
		StopTimeout: defaultStopTimeout, StartTimeout: defaultStartTimeout, KeepPins: defaultKeepPins}
}

// Request describes an upgrade.
type Request struct {
	To         string `json:"to"`
	NoRollback bool   `json:"noRollback"`
	// HealthWindow is how long the new version is watched (0: 60 s).
	HealthWindow time.Duration `json:"healthWindowNs"`
}

// Outcome is how an upgrade or rollback ended: the status its record keeps
// in upgrade_history (any but running).
type Outcome = store.UpgradeStatus

// Outcomes.
const (
	OutcomeSucceeded      = store.UpgradeSucceeded
	OutcomeFailed         = store.UpgradeFailed
	OutcomeRolledBack     = store.UpgradeRolledBack
	OutcomeRollbackFailed = store.UpgradeRollbackFailed
)

// Result is what an upgrade did. Outcome and Message say truthfully how it
// ended: "succeeded", or failed and "rolled back, service healthy", or
// "rollback failed, needs attention", or failed and not rolled back.
type Result struct {
	Upgrade        store.Upgrade         `json:"upgrade"`
	Preflight      Preflight             `json:"preflight"`
	Backup         *backup.Record        `json:"backup"`
	Outcome        Outcome               `json:"outcome"`
	Message        string                `json:"message"`
	Health         []docker.HealthReport `json:"health"`         // last look at the new version
	RollbackHealth []docker.HealthReport `json:"rollbackHealth"` // last look after a rollback
	Warnings       []string              `json:"warnings"`
}

// Pin is a running image kept for a rollback: a tag Rewind owns plus a
// holder container created from it.
type Pin struct {
	Service    string `json:"service"`
	Image      string `json:"image"`   // the reference the service ran, e.g. "shop:1.4"
	ImageID    string `json:"imageId"` // "sha256:…"
	RepoDigest string `json:"repoDigest,omitempty"`
	Ref        string `json:"ref"` // the pin tag, e.g. "rewind-pin/shop-web:upgrade-7"
}

func (p Pin) serviceImage() archive.ServiceImage {
	return archive.ServiceImage{Service: p.Service, Image: p.Image, ImageID: p.ImageID, RepoDigest: p.RepoDigest}
}

// FailedError is an upgrade or rollback that did not succeed, with what was
// done about it. It matches ErrFailed (upgrade) or ErrRollbackFailed.
type FailedError struct {
	Outcome Outcome // failed, rolled_back or rollback_failed
	Message string
	Err     error // the cause
	target  error
}

func (e *FailedError) Error() string { return e.Message }

// Unwrap returns the sentinel and the cause.
func (e *FailedError) Unwrap() []error { return []error{e.target, e.Err} }

func (u *Upgrader) engine(ctx context.Context) (Engine, error) {
	if u.Connect == nil {
		return nil, fmt.Errorf("%w: no connection to Docker is configured", docker.ErrUnreachable)
	}
	return u.Connect(ctx)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
