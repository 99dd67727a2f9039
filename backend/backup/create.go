package backup

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"rewind/backend/archive"
	"rewind/backend/coverage"
	"rewind/backend/deployment"
	"rewind/backend/diskspace"
	"rewind/backend/docker"
	"rewind/backend/durable"
	"rewind/backend/op"
	"rewind/backend/progress"
	"rewind/backend/store"
)

// CreateRequest describes a backup to take.
type CreateRequest struct {
	Type         string `json:"type"`    // manual (default), pre-upgrade, pre-restore, scheduled
	Version      string `json:"version"` // overrides the version read from .env
	Description  string `json:"description"`
	StopServices bool   `json:"stopServices"` // always true for pre-upgrade
	Compression  string `json:"compression"`  // gzip (default) or zstd
	// Source, when set, is archived instead of the live deployment (a
	// restore's safety copy of the entries it replaced).
	Source Source `json:"-"`
}

// CreateResult is a completed backup and what happened around it.
type CreateResult struct {
	Record   Record   `json:"record"`
	Warnings []string `json:"warnings"`
}

// facts journaled for a backup operation; recovery reads them.
type createFacts struct {
	BackupID int64            `json:"backupId"`
	Partial  string           `json:"partial"`
	Final    string           `json:"final"`
	Snapshot *docker.Snapshot `json:"snapshot,omitempty"`
	Stopped  bool             `json:"stopped"`
	// Warnings are what the backup has to say about its copy, journaled
	// before the publish so that recovery records them with it.
	Warnings []string `json:"warnings,omitempty"`
}

// Source is what a backup archives when it is not the live deployment: a
// directory laid out like the deployment (Root) holding only Paths.
type Source struct {
	Root  string
	Paths []string
}

// Spec is the protocol of a backup, its steps in the order they run:
//
//	started    the request is valid and the lock held: scan, free space
//	recorded   the in_progress record and the operation, in one commit,
//	           before any file
//	stopping   the running containers are journaled, then stopped
//	writing    the partial file exists; the archive is written into it
//	           (point writing.mid: half of it written)
//	written    the partial file is complete and synced
//	checked    the file on disk is the bytes written; the warnings are
//	           journaled
//	published  the file has its final name: the commit point, from which
//	           on the backup completes whatever the admin asks
//	completed  the record is completed (and, with nothing to restart, the
//	           operation in the same commit)
//
// Recovery removes the partial file and fails the record up to checked,
// verifies and completes it from published on, and starts again the
// containers a backup stopped (docs/operations.md, Backup).
var Spec = op.Spec{Kind: op.Backup,
	Steps:  []op.Step{"started", "recorded", "stopping", "writing", "written", "checked", "published", "completed"},
	Points: []op.Step{"writing.mid"},
}

// creation is one backup being taken: what was asked, then what was found.
type creation struct {
	req      CreateRequest
	comp     archive.Compression
	version  string
	root     string   // what is archived: the project, or a Source
	paths    []string // archived paths, relative to root
	excludes []string
	live     bool // the live deployment, not a Source
	plan     *archive.Plan
	eng      Engine
	name     string // the archive's file name
	now      time.Time
	manifest archive.Manifest
	services []archive.ServiceImage
	recorded bool // the record is completed
	left     bool // a panic left the operation for recovery
}

// Create takes a backup of the deployment: it validates the request,
// prepares (scan, free space), records it, stops the services when asked
// (they start again on every way out), writes and checks the archive, and
// publishes it. A backup that is an operation of its own (not a safety copy
// inside a restore or an upgrade) applies the saved retention policy after.
func (m *Manager) Create(ctx context.Context, dep deployment.Deployment, req CreateRequest, report progress.Report) (res CreateResult, err error) {
	report = progress.Or(report)
	res.Warnings = []string{}
	defer cancelledEarly(ctx, dep, &err) // before the record; settle words later ones
	c, err := validate(dep, req)
	if err != nil {
		return res, err
	}
	// The lock is held from before the scan, which must not see a tree a
	// restore is swapping; Begin below finds it held.
	nested := op.Holds(ctx, dep)
	if nested {
		// A safety copy's commit point is not the outer operation's: the
		// restore or upgrade stays cancellable after it.
		ctx = op.WithCommitNotice(ctx, nil)
	}
	ctx, release, err := op.Lock(ctx, dep, "backup create")
	if err != nil {
		return res, err
	}
	defer release()
	defer m.retain(ctx, dep, nested, c, &res, &err) // once the backup has ended
	o := op.For(m.Kernel, &Spec, dep, createFacts{})
	if err = o.Point("started"); err != nil {
		return res, err
	}
	if err = m.prepare(ctx, dep, c, &res, report); err != nil {
		return res, err
	}
	o.Record = m.record(dep, c, o)
	ctx, err = o.Begin(ctx, "backup create", "recorded")
	defer o.End(ctx, &err)
	defer m.settle(ctx, o, c, &err)
	if err != nil {
		return res, err
	}
	if c.req.StopServices {
		restart, serr := m.stop(ctx, dep, o, c, &res, report)
		if restart != nil {
			defer restart(&err)
		}
		if err = serr; err != nil {
			return res, err
		}
	}
	w, err := m.write(ctx, dep, o, c, &res, report)
	if err != nil {
		return res, err
	}
	err = m.publish(ctx, o, c, w, &res)
	return res, err
}

// validate checks the request and settles its defaults.
func validate(dep deployment.Deployment, req CreateRequest) (*creation, error) {
	if req.Type == "" {
		req.Type = TypeManual
	}
	switch req.Type {
	case TypeManual, TypePreUpgrade, TypePreRestore, TypeScheduled:
	default:
		return nil, fmt.Errorf("%w %q (use manual, pre-upgrade, pre-restore or scheduled)", ErrBadType, req.Type)
	}
	if req.Type == TypePreUpgrade {
		req.StopServices = true
	}
	c := &creation{req: req, comp: archive.Compression(req.Compression), version: req.Version,
		root: dep.Path, paths: []string{"."}, excludes: []string{}, live: req.Source.Root == ""}
	if c.comp == "" {
		c.comp = archive.Gzip
	}
	if c.comp != archive.Gzip && c.comp != archive.Zstd {
		return nil, fmt.Errorf("unknown compression %q (use gzip or zstd)", req.Compression)
	}
	if c.version == "" {
		c.version = dep.Version()
	}
	if err := checkLabels(dep, req, c.version); err != nil {
		return nil, err
	}
	if _, err := deployment.CheckDir(dep.Path); err != nil {
		return nil, err
	}
	if !c.live {
		if len(req.Source.Paths) == 0 {
			return nil, fmt.Errorf("backup source %s names no paths", req.Source.Root)
		}
		c.root, c.paths = req.Source.Root, req.Source.Paths
	}
	return c, nil
}

// prepare scans what the backup holds, says what it will not hold, checks
// that it fits the storage and reaches Docker when services are to be
// stopped. It writes nothing but the storage directory.
func (m *Manager) prepare(ctx context.Context, dep deployment.Deployment, c *creation, res *CreateResult, report progress.Report) (err error) {
	report.Phase(progress.Preparing, "scanning files")
	if c.live {
		if c.excludes, err = dep.ExcludePatterns(); err != nil {
			return err
		}
		res.Warnings = append(res.Warnings, dep.LinkWarnings()...)
		// State the services keep where the backup does not look is never
		// left out in silence.
		res.Warnings = append(res.Warnings, coverage.Of(ctx, dep).Warnings()...)
	}
	if err := c.scan(ctx, dep); err != nil {
		return err
	}
	for _, s := range c.plan.Skipped {
		res.Warnings = append(res.Warnings, skippedWarning(s, c.live))
	}
	if c.live {
		res.Warnings = append(res.Warnings, crossLinkWarnings(c.plan.Entries, dep.DataPaths)...)
	}
	if err := os.MkdirAll(dep.StorageDir, 0o700); err != nil {
		return fmt.Errorf("create storage directory: %w", err)
	}
	if err := m.checkSpace(ctx, dep, c.plan); err != nil {
		return err
	}
	if c.req.StopServices {
		if c.eng, err = m.engine(ctx); err != nil {
			return err
		}
	}
	c.now = m.Now().UTC().Truncate(time.Second)
	c.name, err = m.freeName(ctx, dep.StorageDir, c.req.Type, c.version, c.now, c.comp)
	return err
}

// scan plans the archive of what c archives.
func (c *creation) scan(ctx context.Context, dep deployment.Deployment) error {
	plan, err := archive.Scan(ctx, c.root, c.excludes)
	if err != nil {
		return fmt.Errorf("scan %s: %w", c.root, err)
	}
	if err := archive.CheckNames(plan.Entries, stagingDir(dep)); err != nil {
		return err
	}
	c.plan = plan
	return nil
}

// record is how the backup's operation is journaled: its in_progress record
// and the operation, naming it, in one commit, before any file.
func (m *Manager) record(dep deployment.Deployment, c *creation, o *op.Op[createFacts]) func(context.Context, store.Operation) (int64, error) {
	final := filepath.Join(dep.StorageDir, c.name)
	o.Facts.Final, o.Facts.Partial = final, final+partialSuffix
	rec := store.Backup{DeploymentID: dep.ID, Name: c.name, Type: c.req.Type, Status: StatusInProgress,
		Version: c.version, Path: final, Compression: string(c.comp), Description: c.req.Description, CreatedAt: c.now}
	return func(ctx context.Context, row store.Operation) (int64, error) {
		id, opID, err := m.Store.BeginBackup(ctx, rec, row, func(id int64) any {
			f := o.Facts
			f.BackupID = id
			return f
		})
		if err == nil {
			o.Facts.BackupID = id
		}
		return opID, err
	}
}

// stop stops the running services, journaled first so that recovery starts
// them again after a crash, and scans again once nothing runs (services
// write while they shut down: logs, a database's last checkpoint). It
// returns what starts them again, nil when nothing was stopped.
func (m *Manager) stop(ctx context.Context, dep deployment.Deployment, o *op.Op[createFacts], c *creation, res *CreateResult, report progress.Report) (restart func(*error), err error) {
	report.Phase(progress.Stopping, "stopping services")
	snap, err := c.eng.Snapshot(ctx, dep.ComposeProject)
	if err != nil {
		return nil, fmt.Errorf("inspect containers: %w", err)
	}
	c.services = snap.Images()
	o.Facts.Snapshot, o.Facts.Stopped = &snap, true
	if err := o.Step(ctx, "stopping"); err != nil {
		return nil, err
	}
	stopped, err := c.eng.Stop(ctx, snap, m.StopTimeout)
	restart = func(errp *error) {
		report.Phase(progress.Starting, "starting services")
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), m.StartTimeout+time.Minute)
		defer cancel()
		rerr := c.eng.Start(rctx, snap, m.StartTimeout)
		switch {
		case rerr == nil:
			o.Facts.Stopped = false // for a journal left to recovery
			return
		case c.recorded && *errp == nil:
			rerr = fmt.Errorf("backup %s is complete, but the services did not start again: %w; start them with `docker compose up -d`", c.name, rerr)
		default:
			rerr = fmt.Errorf("restart services: %w", rerr)
		}
		*errp = errors.Join(*errp, rerr)
	}
	if err != nil {
		return restart, fmt.Errorf("stop services: %w", err)
	}
	res.Warnings = append(res.Warnings, stopped.Warnings()...)
	return restart, c.scan(ctx, dep)
}

// write writes the archive to the partial file, hashing while it writes,
// syncs it, and reads the file back: the bytes on disk must be the bytes
// written. Then it journals the backup's warnings, so that recovery records
// them with the file.
func (m *Manager) write(ctx context.Context, dep deployment.Deployment, o *op.Op[createFacts], c *creation, res *CreateResult, report progress.Report) (archive.WriteResult, error) {
	c.manifest = archive.Manifest{FormatVersion: archive.FormatVersion, Deployment: dep.Name,
		Project: dep.ComposeProject, Type: c.req.Type, Version: c.version, CreatedAt: c.now,
		Description: c.req.Description, Paths: c.paths, Excludes: c.excludes,
		DataPaths: dep.DataPaths, Compression: c.comp, Totals: c.plan.Totals, Services: c.services, Sparse: c.plan.Sparse}
	if c.manifest.Services == nil {
		c.manifest.Services = []archive.ServiceImage{}
	}
	report(progress.Progress{Phase: progress.Archiving, BytesTotal: c.plan.Totals.Bytes, FilesTotal: c.plan.Totals.Files})
	w, sp, err := m.writePartial(ctx, o, c.root, c.plan, c.manifest, c.comp, report)
	if err != nil {
		return w, err
	}
	if err := o.Step(ctx, "written"); err != nil {
		return w, err
	}
	for _, p := range w.Changed {
		res.Warnings = append(res.Warnings, changedWarning(p))
	}
	report(progress.Progress{Phase: progress.Verifying, BytesTotal: w.Size})
	if err := sp.check(ctx, o.Facts.Partial); err != nil {
		return w, err
	}
	o.Facts.Warnings = res.Warnings
	return w, o.Step(ctx, "checked")
}

// publish gives the checked file its name, the commit point: a cancel is
// honoured up to the rename, and from it on the backup completes whatever
// the admin asks. Then it completes the record; with nothing to restart the
// operation too, in the same commit. With services stopped the operation
// stays open until they run again, so that recovery starts them after a
// crash.
func (m *Manager) publish(ctx context.Context, o *op.Op[createFacts], c *creation, w archive.WriteResult, res *CreateResult) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := durable.Rename(o.Facts.Partial, o.Facts.Final); err != nil {
		return fmt.Errorf("publish %s: %w", c.name, err)
	}
	if ctx, err = o.Commit(ctx, "published"); err != nil {
		return err
	}
	closeOp := o.ID()
	if c.req.StopServices {
		closeOp = 0
	}
	if err := m.Store.FinishBackup(ctx, closeOp, o.Facts.BackupID, w.Size, w.Files, w.SHA256, mustJSON(c.manifest), w.Entries, res.Warnings); err != nil {
		return fmt.Errorf("record backup: %w", err)
	}
	c.recorded = true
	if closeOp != 0 {
		o.Closed()
	}
	if err := o.Point("completed"); err != nil {
		return err
	}
	if len(res.Warnings) > 0 {
		// The archive does not hold them: the settings file keeps a copy
		// for a catalog recreated from it.
		if err := m.Store.SaveSettings(ctx); err != nil {
			res.Warnings = append(res.Warnings, "the warnings above are kept in the catalog only: "+err.Error())
		}
	}
	b, err := m.Store.GetBackup(ctx, o.Facts.BackupID)
	if err != nil {
		return err
	}
	res.Record = toRecord(b)
	return nil
}

// settle ends a recorded backup that did not complete. Before its file is
// published the partial file is removed and the record marked failed (a
// cancellation says so in the admin's words). A published file, or a panic
// (a crash as far as the catalog knows), is left to recovery, which
// verifies and completes the record or fails it.
func (m *Manager) settle(ctx context.Context, o *op.Op[createFacts], c *creation, errp *error) {
	if p := recover(); p != nil {
		c.left = true
		o.Leave()
		panic(p)
	}
	f := o.Facts
	switch {
	case *errp == nil || c.recorded || f.BackupID == 0:
		return
	case exists(f.Final):
		o.Leave()
		*errp = fmt.Errorf("backup %s is written and checked, but its record could not be completed: %w; it is verified and completed when Rewind starts next", c.name, *errp)
		return
	}
	ctx = context.WithoutCancel(ctx)
	os.Remove(f.Partial)
	reason := (*errp).Error()
	if errors.Is(*errp, context.Canceled) {
		reason = op.CancelledReason
		*errp = op.Cancelled(*errp, fmt.Sprintf("backup %s was cancelled: its partial file was removed and the record marked failed", c.name))
	}
	*errp = errors.Join(*errp, m.Store.FailBackup(ctx, f.BackupID, reason))
}

// retain applies the saved retention policy after a backup that is an
// operation of its own, once it has ended (services running again, the
// operation closed), under the same lock.
func (m *Manager) retain(ctx context.Context, dep deployment.Deployment, nested bool, c *creation, res *CreateResult, errp *error) {
	if *errp != nil || nested || c.left {
		return
	}
	pol, err := m.SavedPolicy(ctx, dep)
	if err != nil || (pol.KeepLast == 0 && pol.KeepDays == 0) {
		return
	}
	pr, err := m.Prune(ctx, dep, pol, false)
	switch {
	case op.IsCancel(ctx, err):
		res.Warnings = append(res.Warnings, "retention was cancelled; it runs again after the next backup")
	case err != nil:
		res.Warnings = append(res.Warnings, "retention did not finish: "+err.Error())
	case len(pr.Removed) > 0:
		res.Warnings = append(res.Warnings, fmt.Sprintf("retention removed %d older backup(s), %s", len(pr.Removed), diskspace.Human(pr.Bytes)))
	}
}

const partialSuffix = ".partial"

// changedWarning tells the admin that a file's copy in the backup may be
// torn: it changed while it was read, even after reading it again.
func changedWarning(path string) string {
	return fmt.Sprintf("%s changed while it was being read: its copy in this backup may be inconsistent; stop the services during the backup for a consistent copy", path)
}

func (m *Manager) engine(ctx context.Context) (Engine, error) {
	if m.Connect == nil {
		return nil, docker.ErrUnreachable
	}
	return m.Connect(ctx)
}

// stagingDir is where a restore of the deployment stages its tree: inside
// its .rewind directory (docs/safety.md), whose filesystem decides whether
// names that differ only by case can be restored side by side.
func stagingDir(dep deployment.Deployment) string {
	return filepath.Join(dep.Path, archive.MetaDir)
}
