package backup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"rewind/backend/deployment"
	"rewind/backend/durable"
	"rewind/backend/op"
	"rewind/backend/store"
)

// Recoverer settles interrupted backup work at start (docs/operations.md):
// partial files are removed and their records marked failed; an archive
// that was published but not recorded is verified again and its record
// completed (or the file quarantined); containers a backup stopped get their
// restart policies back and are started again. Its sweep finishes
// interrupted deletes, settles what no journal names, and gives a catalog
// recreated after damage its backups back from the archives.
func (m *Manager) Recoverer() op.Recoverer {
	return op.Recoverer{Spec: &Spec, Recover: m.recoverCreate, Sweep: m.sweep}
}

// recoverCreate settles one interrupted backup; ctx holds the lock.
func (m *Manager) recoverCreate(ctx context.Context, dep deployment.Deployment, row store.Operation) (string, error) {
	o, err := op.Resume[createFacts](m.Kernel, &Spec, dep, row)
	if err != nil {
		return "", err
	}
	f := o.Facts
	var lines []string
	if f.Stopped && f.Snapshot != nil {
		eng, err := m.engine(ctx)
		if err != nil {
			return "", fmt.Errorf("containers of %s were stopped by an interrupted backup and Docker is unreachable; start Docker and run rewind again: %w", f.Snapshot.Project, err)
		}
		sctx, cancel := context.WithTimeout(ctx, m.StartTimeout+time.Minute)
		err = eng.Start(sctx, *f.Snapshot, m.StartTimeout)
		cancel()
		if err != nil {
			return "", fmt.Errorf("restart containers of %s: %w", f.Snapshot.Project, err)
		}
		lines = append(lines, fmt.Sprintf("restarted the containers of %s that an interrupted backup had stopped, with their restart policies restored", f.Snapshot.Project))
	}
	if f.BackupID != 0 {
		line, err := m.settleRecord(ctx, f)
		if line != "" {
			lines = append(lines, line)
		}
		if err != nil {
			return strings.Join(lines, "; "), err
		}
	}
	return strings.Join(lines, "; "), o.Recovered(ctx, "interrupted; recovered at start")
}

// sweep settles what no journal names: it rebuilds a recreated catalog's
// backups from their archives, then settles every storage directory.
func (m *Manager) sweep(ctx context.Context, _ []store.Operation) ([]string, error) {
	deps, err := m.Store.ListDeployments(ctx)
	if err != nil {
		return nil, err
	}
	lines, err := m.rebuildRecreated(ctx, deps)
	errs := []error{err}
	for _, dep := range deps {
		l, err := m.recoverStorage(ctx, dep)
		lines = append(lines, l...)
		errs = append(errs, err)
	}
	return lines, errors.Join(errs...)
}

// settleRecord leaves the interrupted backup's record either completed with a
// verified file or failed with no partial file.
func (m *Manager) settleRecord(ctx context.Context, f createFacts) (string, error) {
	b, err := m.Store.GetBackup(ctx, f.BackupID)
	if errors.Is(err, store.ErrNotFound) {
		return "", removeIfExists(f.Partial)
	}
	if err != nil {
		return "", err
	}
	if err := removeIfExists(f.Partial); err != nil {
		return "", err
	}
	if b.Status != StatusInProgress {
		return "", nil
	}
	if exists(f.Final) {
		vr, err := verifyPath(ctx, f.Final, nil)
		if err == nil {
			var files int64
			for _, e := range vr.Entries {
				if e.Type == "file" {
					files++
				}
			}
			meta, _ := json.Marshal(vr.Manifest)
			if err := m.Store.FinishBackup(ctx, 0, b.ID, vr.Size, files, vr.SHA256, meta, vr.Entries, f.Warnings); err != nil {
				return "", err
			}
			line := fmt.Sprintf("backup #%d (%s) had been written completely before the interruption: verified and recorded as completed", b.ID, b.Name)
			if n := len(f.Warnings); n > 0 {
				line += fmt.Sprintf(", with the %d warning(s) it had", n)
				if err := m.Store.SaveSettings(ctx); err != nil {
					line += "; " + err.Error()
				}
			}
			return line, nil
		}
		q := f.Final + ".quarantine"
		if rerr := durable.Rename(f.Final, q); rerr != nil {
			return "", rerr
		}
		if err := m.Store.FailBackup(ctx, b.ID, "interrupted; archive failed verification and was quarantined as "+filepath.Base(q)); err != nil {
			return "", err
		}
		return fmt.Sprintf("backup #%d was interrupted and its archive failed verification: kept as %s, record marked failed", b.ID, q), nil
	}
	if err := m.Store.FailBackup(ctx, b.ID, "interrupted before the archive was complete"); err != nil {
		return "", err
	}
	return fmt.Sprintf("backup #%d (%s) was interrupted: partial file removed, record marked failed", b.ID, b.Name), nil
}

// recoverStorage settles leftovers in a storage directory that no journal
// names: in_progress records with no running operation, stray partial files,
// and interrupted deletes.
func (m *Manager) recoverStorage(ctx context.Context, dep deployment.Deployment) ([]string, error) {
	var lines []string
	bs, err := m.Store.ListBackups(ctx, dep.ID)
	if err != nil {
		return nil, err
	}
	byPath := map[string]store.Backup{}
	for _, b := range bs {
		byPath[b.Path] = b
		if b.Status == StatusInProgress {
			f := createFacts{BackupID: b.ID, Final: b.Path, Partial: b.Path + partialSuffix}
			line, err := m.settleRecord(ctx, f)
			if err != nil {
				return lines, err
			}
			if line != "" {
				lines = append(lines, line)
			}
		}
	}
	ents, err := os.ReadDir(dep.StorageDir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return lines, nil
		}
		return lines, err
	}
	for _, e := range ents {
		name := e.Name()
		p := filepath.Join(dep.StorageDir, name)
		switch {
		case strings.HasSuffix(name, partialSuffix):
			if err := removeIfExists(p); err != nil {
				return lines, err
			}
			lines = append(lines, "removed the partial file "+name+" left by an interrupted operation")
		case strings.HasSuffix(name, deletingSuffix):
			orig := strings.TrimSuffix(p, deletingSuffix)
			if _, ok := byPath[orig]; ok {
				if err := durable.Rename(p, orig); err != nil {
					return lines, err
				}
				lines = append(lines, "an interrupted delete of "+filepath.Base(orig)+" was undone: the backup is kept")
			} else {
				if err := removeIfExists(p); err != nil {
					return lines, err
				}
				lines = append(lines, "finished the interrupted delete of "+filepath.Base(orig))
			}
		}
	}
	return lines, nil
}

// rebuildRecreated rebuilds every deployment's backups from its archives
// when the catalog lost something (store.Open), from the storage directory
// and any other directory that held some of them, and clears the mark once
// every rebuild succeeded, so an interrupted rebuild runs again.
func (m *Manager) rebuildRecreated(ctx context.Context, deps []deployment.Deployment) ([]string, error) {
	pending, dirs, err := m.Store.PendingRebuild(ctx)
	if err != nil || !pending {
		return nil, err
	}
	var lines []string
	var errs []error
	for _, dep := range deps {
		for _, dir := range append([]string{dep.StorageDir}, dirs[dep.Path]...) {
			in := dep
			in.StorageDir = dir // Rebuild scans the deployment's storage directory
			res, err := m.Rebuild(ctx, in, nil)
			if err != nil {
				errs = append(errs, fmt.Errorf("rebuild the backups of %s from %s: %w", dep.Name, dir, err))
				continue
			}
			line := fmt.Sprintf("rebuilt the backups of %s from the archives in %s: %d adopted", dep.Name, dir, len(res.Adopted))
			if len(res.Rejected) > 0 {
				line += fmt.Sprintf(", %d not adopted (%s)", len(res.Rejected), strings.Join(res.Rejected, "; "))
			}
			lines = append(lines, line)
		}
	}
	if len(errs) > 0 {
		return lines, errors.Join(errs...)
	}
	return lines, m.Store.RebuildDone(ctx)
}
