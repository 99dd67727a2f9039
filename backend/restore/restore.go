// Package restore puts a backup back without ever leaving the deployment
// with neither the old nor the new files (docs/safety.md). The archive is
// checked and extracted into a staging directory under <path>/.rewind on the
// same file system, made durable with one syncfs, and only then are the
// containers stopped and the staged entries swapped in, each swap journaled.
// Any failure swaps the old entries back and restarts what ran. The replaced
// files become a pre-restore backup. A restore is a sequence of the steps
// of Spec over the operation kernel (package op).
package restore

import (
	"errors"
	"fmt"
	"time"

	"rewind/backend/backup"
	"rewind/backend/docker"
	"rewind/backend/op"
	"rewind/backend/store"
)

// Mode selects what a restore puts back.
type Mode string

// Restore modes.
const (
	Full Mode = "full" // everything in the archive
	App  Mode = "app"  // everything except the data paths
	Data Mode = "data" // only the data paths
)

// ParseMode validates a mode name; "" means full.
func ParseMode(s string) (Mode, error) {
	switch Mode(s) {
	case "", Full:
		return Full, nil
	case App, Data:
		return Mode(s), nil
	}
	return "", fmt.Errorf("%w %q: use full, app or data", ErrBadMode, s)
}

// Errors callers match.
var (
	ErrBadMode       = errors.New("unknown restore mode")
	ErrNotRestorable = errors.New("backup cannot be restored")
	ErrMountPoint    = errors.New("restore target is a mount point")
	ErrConfirmation  = errors.New("confirmation does not match")
	ErrUnhealthy     = errors.New("service did not come back healthy")
)

// Engine is what a restore needs from Docker.
type Engine interface {
	backup.Engine
}

// Restorer runs restores for the deployments of one catalog.
type Restorer struct {
	Kernel  *op.Kernel
	Store   *store.Store // the kernel's
	Backups *backup.Manager
	Connect backup.Connect
	Now     func() time.Time
	// StopTimeout and StartTimeout bound the container stop and the wait for
	// the restarted containers (running, healthy where a healthcheck exists).
	StopTimeout  time.Duration
	StartTimeout time.Duration
}

// New returns a Restorer with default timeouts.
func New(k *op.Kernel, b *backup.Manager, connect backup.Connect) *Restorer {
	return &Restorer{Kernel: k, Store: k.Store, Backups: b, Connect: connect, Now: func() time.Time { return time.Now().UTC() },
		StopTimeout: 30 * time.Second, StartTimeout: 2 * time.Minute}
}

// Counts is a number of files and their bytes.
type Counts struct {
	Files int64 `json:"files"`
	Bytes int64 `json:"bytes"`
}

// Plan is the preview of a restore: what changes and what is lost.
type Plan struct {
	BackupID       int64    `json:"backupId"`
	BackupName     string   `json:"backupName"`
	Mode           Mode     `json:"mode"`
	Version        string   `json:"version"` // the backup's version
	Targets        []string `json:"targets"` // top-level entries that will be swapped
	Replaced       Counts   `json:"replaced"`
	Added          Counts   `json:"added"`
	Removed        Counts   `json:"removed"`
	Lost           Counts   `json:"lost"`       // changed since the backup and replaced or removed
	Containers     []string `json:"containers"` // running containers that will be stopped
	DockerError    string   `json:"dockerError"`
	DiscardsData   bool     `json:"discardsData"`
	DeploymentName string   `json:"deploymentName"`
	NeedBytes      int64    `json:"needBytes"`
	// Kept are the live FIFOs, sockets and device nodes in scope: never
	// archived, they are left in place.
	Kept []string `json:"kept"`
	// Separated are the hard links this mode restores while their other
	// name lies outside it: each is put back as a copy of its own.
	Separated []HardLink `json:"separated"`
	// Mounts are the mount points inside the entries to swap: each lies in
	// a path the restore keeps and stays where it is (a mount the restore
	// would have to move refuses the restore instead).
	Mounts []string `json:"mounts"`
}

// HardLink is an archived hard link: Path is another name of Link.
type HardLink struct {
	Path string `json:"path"`
	Link string `json:"link"`
}

// Options change how Run behaves.
type Options struct {
	Mode Mode
	// NoStart leaves the containers stopped after the swap.
	NoStart bool
	// Confirmation must equal the deployment's name when the plan discards data.
	Confirmation string
	// Confirmed skips the typed confirmation (the CLI's --yes).
	Confirmed bool
}

// Result is what a restore did.
type Result struct {
	Plan       Plan           `json:"plan"`
	SafetyCopy *backup.Record `json:"safetyCopy"` // the pre-restore backup of the replaced files
	OldTree    string         `json:"oldTree"`    // set when the replaced files could not be archived and were kept as a directory
	Started    []string       `json:"started"`
	Warnings   []string       `json:"warnings"`
	DurationMs int64          `json:"durationMs"`
	// PhasesMs is the wall time of each phase: stage (check, extract, hash,
	// syncfs), stop, swap, start (and health), safetyCopy.
	PhasesMs map[string]int64 `json:"phasesMs"`
}

// phase records the time since the previous mark under name.
func (res *Result) phase(name string, since *time.Time, now time.Time) {
	if res.PhasesMs == nil {
		res.PhasesMs = map[string]int64{}
	}
	res.PhasesMs[name] += now.Sub(*since).Milliseconds()
	*since = now
}

var _ Engine = (*docker.Engine)(nil)
