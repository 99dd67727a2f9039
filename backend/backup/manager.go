// Package backup creates, lists, verifies, deletes, moves, imports and
// recovers the backups of a deployment. A backup is a sequence of steps over
// the operation kernel (Spec, docs/operations.md): a record is `completed` only
// once its archive is durable and verified, and a failed or cancelled backup
// leaves no partial file.
package backup

import (
	"context"
	"errors"
	"fmt"
	"os"
	"rewind/backend/op"
	"time"

	"rewind/backend/archive"
	"rewind/backend/deployment"
	"rewind/backend/docker"
	"rewind/backend/store"
)

// Backup types.
const (
	TypeManual     = "manual"
	TypePreUpgrade = "pre-upgrade"
	TypePreRestore = "pre-restore"
	TypeScheduled  = "scheduled"
)

// Record statuses (as in the catalog).
const (
	StatusInProgress = "in_progress"
	StatusCompleted  = "completed"
	StatusFailed     = "failed"
	StatusCorrupt    = "corrupt"
)

// Errors callers match.
var (
	ErrNotFound      = errors.New("backup not found")
	ErrFileMissing   = errors.New("backup file is missing")
	ErrChecksum      = errors.New("backup file does not match its recorded checksum")
	ErrInUse         = errors.New("backup is in use by an unfinished operation")
	ErrWrongProject  = errors.New("archive belongs to another deployment")
	ErrNotCompleted  = errors.New("backup is not completed")
	ErrBadType       = errors.New("unknown backup type")
	ErrNothingToMove = errors.New("storage directory unchanged")
)

// Engine is what backups need from Docker to stop and restart services.
type Engine interface {
	Snapshot(ctx context.Context, project string) (docker.Snapshot, error)
	Stop(ctx context.Context, snap docker.Snapshot, timeout time.Duration) (docker.StopReport, error)
	Start(ctx context.Context, snap docker.Snapshot, wait time.Duration) error
	RestorePolicies(ctx context.Context, snap docker.Snapshot) error
}

// Connect returns an Engine, or an error when Docker is unreachable.
type Connect func(ctx context.Context) (Engine, error)

// Manager runs backup operations for the deployments of one catalog.
type Manager struct {
	Kernel  *op.Kernel
	Store   *store.Store     // the kernel's
	Connect Connect          // may be nil: operations that need Docker then fail clearly
	Now     func() time.Time // injectable clock; UTC
	// StopTimeout is how long a container gets between SIGTERM and SIGKILL.
	StopTimeout time.Duration
	// StartTimeout bounds the wait for restarted containers to run and be healthy.
	StartTimeout time.Duration
	// VerifyAfterWrite decodes the whole archive while it is written and
	// checks it against its index, in addition to re-reading the file after
	// fsync. Re-reading alone proves the bytes on disk are the bytes written;
	// decoding also proves the archive is readable to the end.
	VerifyAfterWrite bool
}

// New returns a Manager with default timeouts.
func New(k *op.Kernel, connect Connect) *Manager {
	return &Manager{Kernel: k, Store: k.Store, Connect: connect,
		Now: func() time.Time { return time.Now().UTC() }, StopTimeout: 30 * time.Second,
		StartTimeout: 2 * time.Minute, VerifyAfterWrite: true}
}

// Record is a backup as shown to the admin: the catalog record plus whether
// its file still exists.
type Record struct {
	ID          int64      `json:"id"`
	Name        string     `json:"name"`
	Type        string     `json:"type"`
	Status      string     `json:"status"`
	Version     string     `json:"version"`
	Path        string     `json:"path"`
	Size        int64      `json:"size"`
	FileCount   int64      `json:"fileCount"`
	SHA256      string     `json:"sha256"`
	Compression string     `json:"compression"`
	CreatedAt   time.Time  `json:"createdAt" ts_type:"string"` // when the point was taken; an imported archive keeps its own
	RecordedAt  time.Time  `json:"-"`                          // when this catalog recorded it (retention's order)
	Adopted     bool       `json:"-"`                          // taken in by import or catalog rebuild, not made here
	FileExists  bool       `json:"fileExists"`
	VerifiedAt  *time.Time `json:"verifiedAt" ts_type:"string | null"`
	Description string     `json:"description"`
	Error       string     `json:"error"`
	// Warnings are what the backup completed with: a file changed while
	// it was read, a special file skipped... not a clean copy. Never nil.
	Warnings []string `json:"warnings"`
}

func toRecord(b store.Backup) Record {
	r := Record{ID: b.ID, Name: b.Name, Type: b.Type, Status: b.Status, Version: b.Version,
		Path: b.Path, Size: b.Size, FileCount: b.FileCount, SHA256: b.SHA256,
		Compression: b.Compression, CreatedAt: b.CreatedAt.UTC(), RecordedAt: b.RecordedAt.UTC(),
		Adopted: b.Origin == store.OriginAdopted, VerifiedAt: b.VerifiedAt,
		Description: b.Description, Error: b.Error, Warnings: b.Warnings}
	if r.Warnings == nil {
		r.Warnings = []string{}
	}
	if st, err := os.Stat(b.Path); err == nil && st.Mode().IsRegular() {
		r.FileExists = true
	}
	return r
}

// Restorable reports whether a record may be offered for restore.
func (r Record) Restorable() bool { return r.Status == StatusCompleted && r.FileExists }

// List returns the deployment's backups, newest first.
func (m *Manager) List(ctx context.Context, dep deployment.Deployment) ([]Record, error) {
	bs, err := m.Store.ListBackups(ctx, dep.ID)
	if err != nil {
		return nil, err
	}
	out := make([]Record, 0, len(bs))
	for _, b := range bs {
		out = append(out, toRecord(b))
	}
	return out, nil
}

// Get returns one backup of the deployment.
func (m *Manager) Get(ctx context.Context, dep deployment.Deployment, id int64) (Record, error) {
	b, err := m.get(ctx, dep, id)
	if err != nil {
		return Record{}, err
	}
	return toRecord(b), nil
}

func (m *Manager) get(ctx context.Context, dep deployment.Deployment, id int64) (store.Backup, error) {
	b, err := m.Store.GetBackup(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && b.DeploymentID != dep.ID) {
		return store.Backup{}, &NotFoundError{ID: id}
	}
	return b, err
}

// NotFoundError names the backup id that does not exist.
type NotFoundError struct{ ID int64 }

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("backup #%d not found", e.ID)
}

// Unwrap makes errors.Is(err, ErrNotFound) true.
func (e *NotFoundError) Unwrap() error { return ErrNotFound }

// Details is a backup with its manifest, size breakdown and archived tree.
type Details struct {
	Backup       Record           `json:"backup"`
	Manifest     archive.Manifest `json:"manifest"`
	Breakdown    []store.DirSize  `json:"breakdown"`
	Entries      []archive.Entry  `json:"entries"`
	EntriesTotal int              `json:"entriesTotal"`
}

// Show returns a backup's details; at most maxEntries entries of the tree
// (0 = all).
func (m *Manager) Show(ctx context.Context, dep deployment.Deployment, id int64, maxEntries int) (Details, error) {
	b, err := m.get(ctx, dep, id)
	if err != nil {
		return Details{}, err
	}
	d := Details{Backup: toRecord(b), Breakdown: []store.DirSize{}, Entries: []archive.Entry{}}
	if len(b.Metadata) > 0 {
		if d.Manifest, err = b.Manifest(); err != nil {
			return d, err
		}
	}
	if d.Breakdown, err = m.Store.SizeBreakdown(ctx, id, 2); err != nil {
		return d, err
	}
	es, err := m.Store.BackupEntries(ctx, id)
	if err != nil {
		return d, err
	}
	d.EntriesTotal = len(es)
	if maxEntries > 0 && len(es) > maxEntries {
		es = es[:maxEntries]
	}
	d.Entries = es
	return d, nil
}
