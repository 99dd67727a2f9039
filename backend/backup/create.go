package backup

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"rewind/backend/op"
	"time"

	"rewind/backend/archive"
	"rewind/backend/crashpoint"
	"rewind/backend/deployment"
	"rewind/backend/docker"
	"rewind/backend/durable"
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

// Create takes a backup of the deployment (RELIABILITY §2, B1–B10).
func (m *Manager) Create(ctx context.Context, dep deployment.Deployment, req CreateRequest, report progress.Report) (CreateResult, error) {
	nested := op.Holds(ctx, dep)
	ctx, release, err := op.Lock(ctx, dep, "backup create")
	if err != nil {
		return CreateResult{Warnings: []string{}}, err
	}
	defer release()
	res, err := m.create(ctx, dep, req.Source, req, report)
	if err != nil || nested {
		return res, err
	}
	// Retention runs after each backup that is an operation of its own (not
	// a safety copy inside a restore or an upgrade) when a policy is saved.
	if pol, perr := m.SavedPolicy(ctx, dep); perr == nil && (pol.KeepLast > 0 || pol.KeepDays > 0) {
		pr, perr := m.pruneLocked(ctx, dep, pol, false)
		if IsCancel(ctx, perr) {
			res.Warnings = append(res.Warnings, "retention was cancelled; it runs again after the next backup")
		} else if perr != nil {
			res.Warnings = append(res.Warnings, "retention did not finish: "+perr.Error())
		} else if len(pr.Removed) > 0 {
			res.Warnings = append(res.Warnings, fmt.Sprintf("retention removed %d older backup(s), %s", len(pr.Removed), HumanBytes(pr.Bytes)))
		}
	}
	return res, nil
}

// create takes the backup; a zero Source means the live deployment.
func (m *Manager) create(ctx context.Context, dep deployment.Deployment, src Source, req CreateRequest, report progress.Report) (res CreateResult, err error) {
	report = progress.Or(report)
	res.Warnings = []string{}
	defer cancelledEarly(ctx, dep, &err) // before B2; B2's own handler words later ones
	if req.Type == "" {
		req.Type = TypeManual
	}
	switch req.Type {
	case TypeManual, TypePreUpgrade, TypePreRestore, TypeScheduled:
	default:
		return res, fmt.Errorf("%w %q (use manual, pre-upgrade, pre-restore or scheduled)", ErrBadType, req.Type)
	}
	if req.Type == TypePreUpgrade {
		req.StopServices = true
	}
	comp := archive.Compression(req.Compression)
	if comp == "" {
		comp = archive.Gzip
	}
	if comp != archive.Gzip && comp != archive.Zstd {
		return res, fmt.Errorf("unknown compression %q (use gzip or zstd)", req.Compression)
	}
	version := req.Version
	if version == "" {
		version = dep.Version()
	}
	if err := checkLabels(dep, req, version); err != nil {
		return res, err
	}
	if _, err := deployment.CheckDir(dep.Path); err != nil {
		return res, err
	}
	if src.Root != "" && len(src.Paths) == 0 {
		return res, fmt.Errorf("backup source %s names no paths", src.Root)
	}

	// B1: pre-scan, space.
	crashpoint.Hit("backup.B1")
	report.Phase(progress.Preparing, "scanning files")
	root, paths, excludes := dep.Path, []string{"."}, []string{}
	if src.Root != "" {
		root, paths = src.Root, src.Paths
	} else {
		if excludes, err = dep.ExcludePatterns(); err != nil {
			return res, err
		}
		res.Warnings = append(res.Warnings, dep.LinkWarnings()...)
	}
	plan, err := archive.Scan(ctx, root, excludes)
	if err != nil {
		return res, fmt.Errorf("scan %s: %w", root, err)
	}
	if err := archive.CheckNames(plan.Entries, stagingDir(dep)); err != nil {
		return res, err
	}
	for _, s := range plan.Skipped {
		res.Warnings = append(res.Warnings, skippedWarning(s, src.Root == ""))
	}
	if src.Root == "" {
		res.Warnings = append(res.Warnings, crossLinkWarnings(plan.Entries, dep.DataPaths)...)
	}
	if err := os.MkdirAll(dep.StorageDir, 0o700); err != nil {
		return res, fmt.Errorf("create storage directory: %w", err)
	}
	if err := m.checkSpace(ctx, dep, plan); err != nil {
		return res, err
	}
	var eng Engine
	if req.StopServices {
		if eng, err = m.engine(ctx); err != nil {
			return res, err
		}
	}

	// B2: the in_progress record and the journal, committed before any file.
	now := m.Now().UTC().Truncate(time.Second)
	name, err := m.freeName(ctx, dep.StorageDir, req.Type, version, now, comp)
	if err != nil {
		return res, err
	}
	final := filepath.Join(dep.StorageDir, name)
	facts := createFacts{Final: final, Partial: final + partialSuffix}
	rec := store.Backup{DeploymentID: dep.ID, Name: name, Type: req.Type, Status: StatusInProgress,
		Version: version, Path: final, Compression: string(comp), Description: req.Description, CreatedAt: now}
	var opID int64
	rec.ID, opID, err = m.Store.BeginBackup(ctx, rec, store.Operation{DeploymentID: dep.ID, Kind: "backup", Step: "B2"},
		func(id int64) any { facts.BackupID = id; return facts })
	if err != nil {
		return res, err
	}
	crashpoint.Hit("backup.B2")
	// recorded: B8 committed the record. What fails after it (restarting the
	// services) is reported but does not make the backup a failed one.
	var recorded bool
	defer func() {
		cctx := context.WithoutCancel(ctx)
		switch {
		case recorded && !req.StopServices:
			// B8 closed the operation in the record's own commit.
		case recorded:
			state, reason := store.OpSucceeded, ""
			if err != nil {
				state, reason = store.OpFailed, err.Error()
			}
			m.Store.FinishOperation(cctx, opID, state, reason)
		case err != nil:
			os.Remove(facts.Partial)
			reason, state := err.Error(), store.OpFailed
			if errors.Is(err, context.Canceled) {
				reason, state = CancelledReason, store.OpCanceled
				err = Cancelled(err, fmt.Sprintf("backup %s was cancelled: its partial file was removed and the record marked failed", name))
			}
			err = errors.Join(err, m.Store.FailBackup(cctx, rec.ID, reason))
			m.Store.FinishOperation(cctx, opID, state, reason)
		}
	}()

	// B3: stop the services, journaling what ran first; the deferred restart
	// runs on every exit path (B9).
	var services []archive.ServiceImage
	if req.StopServices {
		report.Phase(progress.Stopping, "stopping services")
		snap, serr := eng.Snapshot(ctx, dep.ComposeProject)
		if serr != nil {
			return res, fmt.Errorf("inspect containers: %w", serr)
		}
		services = serviceImages(snap)
		facts.Snapshot = &snap
		if err = m.Store.UpdateOperation(ctx, opID, "B3", facts); err != nil {
			return res, err
		}
		crashpoint.Hit("backup.B3")
		facts.Stopped = true
		stopRep, serr := eng.Stop(ctx, snap, m.StopTimeout)
		defer func() {
			report.Phase(progress.Starting, "starting services")
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), m.StartTimeout+time.Minute)
			defer cancel()
			if rerr := eng.Start(rctx, snap, m.StartTimeout); rerr != nil {
				if recorded && err == nil {
					rerr = fmt.Errorf("backup %s is complete, but the services did not start again: %w; start them with `docker compose up -d`", name, rerr)
				} else {
					rerr = fmt.Errorf("restart services: %w", rerr)
				}
				err = errors.Join(err, rerr)
			}
		}()
		if serr != nil {
			return res, fmt.Errorf("stop services: %w", serr)
		}
		res.Warnings = append(res.Warnings, stopRep.Warnings()...)
		// Services write while they shut down (logs, a database's last
		// checkpoint): scan again now that nothing runs.
		if plan, err = archive.Scan(ctx, root, excludes); err != nil {
			return res, fmt.Errorf("scan %s: %w", root, err)
		}
		if err = archive.CheckNames(plan.Entries, stagingDir(dep)); err != nil {
			return res, err
		}
	}

	// B4–B5: write the partial, hashing while writing; sync; close.
	manifest := archive.Manifest{FormatVersion: archive.FormatVersion, Deployment: dep.Name,
		Project: dep.ComposeProject, Type: req.Type, Version: version, CreatedAt: now,
		Description: req.Description, Paths: paths, Excludes: excludes,
		DataPaths: dep.DataPaths, Compression: comp, Totals: plan.Totals, Services: services, Sparse: plan.Sparse}
	if manifest.Services == nil {
		manifest.Services = []archive.ServiceImage{}
	}
	report(progress.Progress{Phase: progress.Archiving, BytesTotal: plan.Totals.Bytes, FilesTotal: plan.Totals.Files})
	wres, sp, err := m.writePartial(ctx, root, plan, manifest, facts.Partial, comp, report)
	if err != nil {
		return res, err
	}
	crashpoint.Hit("backup.B5")
	for _, p := range wres.Changed {
		res.Warnings = append(res.Warnings, changedWarning(p))
	}

	// B6: read the file back: the bytes on disk must be the bytes written.
	report(progress.Progress{Phase: progress.Verifying, BytesTotal: wres.Size})
	if err = sp.check(ctx, facts.Partial); err != nil {
		return res, err
	}
	crashpoint.Hit("backup.B6")
	if len(res.Warnings) > 0 {
		facts.Warnings = res.Warnings
		if err = m.Store.UpdateOperation(ctx, opID, "B6", facts); err != nil {
			return res, err
		}
	}

	// B7: publish.
	if err = durable.Rename(facts.Partial, final); err != nil {
		return res, fmt.Errorf("publish %s: %w", name, err)
	}
	crashpoint.Hit("backup.B7")

	// B8: complete the record; with nothing to restart, the operation too,
	// in the same commit. With services stopped it stays open until they
	// run again, so that recovery restarts them after a crash.
	meta := mustJSON(manifest)
	closeOp := opID
	if req.StopServices {
		closeOp = 0
	}
	if err = m.Store.FinishBackup(context.WithoutCancel(ctx), closeOp, rec.ID, wres.Size, wres.Files, wres.SHA256, meta, wres.Entries, res.Warnings); err != nil {
		// The archive is complete and durable; recovery completes the record.
		return res, fmt.Errorf("record backup: %w", err)
	}
	recorded = true
	crashpoint.Hit("backup.B8")
	if len(res.Warnings) > 0 {
		// The archive does not hold them: the settings file keeps a copy
		// for a catalog recreated from it.
		if serr := m.Store.SaveSettings(context.WithoutCancel(ctx)); serr != nil {
			res.Warnings = append(res.Warnings, "the warnings above are kept in the catalog only: "+serr.Error())
		}
	}
	b, err := m.Store.GetBackup(ctx, rec.ID)
	if err != nil {
		return res, err
	}
	res.Record = toRecord(b)
	return res, nil
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

func serviceImages(s docker.Snapshot) []archive.ServiceImage {
	out := []archive.ServiceImage{}
	seen := map[string]bool{}
	for _, c := range s.Containers {
		if seen[c.Service] || c.Service == "" {
			continue
		}
		seen[c.Service] = true
		out = append(out, archive.ServiceImage{Service: c.Service, Image: c.Image, ImageID: c.ImageID, RepoDigest: c.RepoDigest})
	}
	return out
}

// stagingDir is where a restore of the deployment stages its tree: inside
// its .rewind directory (RELIABILITY §3), whose filesystem decides whether
// names that differ only by case can be restored side by side.
func stagingDir(dep deployment.Deployment) string {
	return filepath.Join(dep.Path, archive.MetaDir)
}
