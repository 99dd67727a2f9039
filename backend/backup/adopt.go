package backup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"rewind/backend/op"
	"strings"

	"rewind/backend/archive"
	"rewind/backend/deployment"
	"rewind/backend/durable"
	"rewind/backend/progress"
	"rewind/backend/store"
)

var archiveName = regexp.MustCompile(`^backup_[a-z-]+_v[A-Za-z0-9._-]+_\d{4}-\d{2}-\d{2}_\d{2}-\d{2}-\d{2}(_\d+)?\.tar\.(gz|zst)$`)

// Import adopts an archive file from elsewhere: its manifest must be valid and
// name this deployment, it must decode to the end, and it is copied (durably)
// into the storage directory before the record is written.
func (m *Manager) Import(ctx context.Context, dep deployment.Deployment, file string, report progress.Report) (Record, error) {
	report = progress.Or(report)
	ctx, release, err := op.Lock(ctx, dep, "backup import")
	if err != nil {
		return Record{}, err
	}
	defer release()
	abs, err := filepath.Abs(file)
	if err != nil {
		return Record{}, err
	}
	if _, err := os.Stat(abs); err != nil {
		return Record{}, fmt.Errorf("import: %w", err)
	}
	vr, err := verifyPath(ctx, abs, report)
	if err != nil {
		return Record{}, fmt.Errorf("import %s: %w", filepath.Base(abs), err)
	}
	if err := checkManifest(vr.Manifest); err != nil {
		return Record{}, fmt.Errorf("import %s: %w", filepath.Base(abs), err)
	}
	if err := belongs(dep, vr.Manifest); err != nil {
		return Record{}, err
	}
	if _, err := m.Store.BackupByName(ctx, filepath.Base(abs)); err == nil && filepath.Dir(abs) == dep.StorageDir {
		return Record{}, fmt.Errorf("%s is already in the catalog", filepath.Base(abs))
	}
	dst := abs
	if filepath.Dir(abs) != filepath.Clean(dep.StorageDir) {
		name := filepath.Base(abs)
		if !archiveName.MatchString(name) || exists(filepath.Join(dep.StorageDir, name)) {
			name, err = m.freeName(ctx, dep.StorageDir, vr.Manifest.Type, vr.Manifest.Version, vr.Manifest.CreatedAt, vr.Manifest.Compression)
			if err != nil {
				return Record{}, err
			}
		}
		dst = filepath.Join(dep.StorageDir, name)
		partial := dst + partialSuffix
		if err := os.MkdirAll(dep.StorageDir, 0o700); err != nil {
			return Record{}, err
		}
		if err := copyFile(ctx, abs, partial); err != nil {
			os.Remove(partial)
			return Record{}, err
		}
		if err := checkHash(partial, vr.SHA256); err != nil {
			os.Remove(partial)
			return Record{}, err
		}
		if err := durable.Rename(partial, dst); err != nil {
			os.Remove(partial)
			return Record{}, err
		}
	}
	rec, err := m.adopt(ctx, dep, dst, vr, "imported from "+abs)
	if err != nil && dst != abs {
		os.Remove(dst) // the copy is ours; the original stays where it was
	}
	return rec, err
}

func (m *Manager) adopt(ctx context.Context, dep deployment.Deployment, path string, vr archive.VerifyResult, note string) (Record, error) {
	man := vr.Manifest
	desc := man.Description
	if desc == "" {
		desc = note
	}
	var files int64
	for _, e := range vr.Entries {
		if e.Type == archive.TypeFile {
			files++
		}
	}
	meta, _ := json.Marshal(man)
	b := store.Backup{DeploymentID: dep.ID, Name: filepath.Base(path), Type: man.Type, Status: StatusCompleted,
		Version: man.Version, Path: path, Size: vr.Size, FileCount: files, SHA256: vr.SHA256,
		Compression: string(man.Compression), Description: desc, Metadata: meta, CreatedAt: man.CreatedAt.UTC()}
	now := m.Now()
	b.VerifiedAt = &now
	// A catalog recreated after damage gets back the warnings it had for
	// this archive: the archive does not hold them.
	ws, err := m.Store.SavedWarnings(ctx, vr.SHA256)
	if err != nil {
		return Record{}, err
	}
	b.Warnings = ws
	id, err := m.Store.InsertCompletedBackup(ctx, b, vr.Entries)
	if err != nil {
		return Record{}, err
	}
	got, err := m.Store.GetBackup(ctx, id)
	return toRecord(got), err
}

// checkManifest refuses a manifest from outside with a value Rewind would not
// write: its fields become a file name, catalog rows and a restore's scope.
func checkManifest(man archive.Manifest) error {
	if err := man.Check(); err != nil {
		return err
	}
	switch man.Type {
	case TypeManual, TypePreUpgrade, TypePreRestore, TypeScheduled:
		return nil
	}
	return fmt.Errorf("%w: type %q is not one of manual, pre-upgrade, pre-restore or scheduled", archive.ErrNoManifest, man.Type)
}

func belongs(dep deployment.Deployment, man archive.Manifest) error {
	if man.Deployment == dep.Name || (man.Project != "" && man.Project == dep.ComposeProject) {
		return nil
	}
	return fmt.Errorf("%w: it was made for %q (project %q), this is %q", ErrWrongProject, man.Deployment, man.Project, dep.Name)
}

func verifyPath(ctx context.Context, path string, report progress.Report) (archive.VerifyResult, error) {
	report = progress.Or(report)
	f, err := durable.OpenRegular(path) // a named pipe would block open forever
	if err != nil {
		return archive.VerifyResult{}, err
	}
	defer f.Close()
	return archive.Verify(ctx, f, func(p archive.Progress) {
		report(progress.Progress{Phase: progress.Verifying, BytesDone: p.BytesDone, BytesTotal: p.BytesTotal,
			FilesDone: p.FilesDone, FilesTotal: p.FilesTotal})
	})
}

// RebuildResult lists what a catalog rebuild found.
type RebuildResult struct {
	Adopted  []Record `json:"adopted"`
	Known    int      `json:"known"`
	Missing  []int64  `json:"missing"`  // records whose file is gone
	Rejected []string `json:"rejected"` // "file: reason"
}

// Rebuild rescans the storage directory: every archive with a valid manifest
// of this deployment that the catalog does not know is verified and adopted;
// anything else is reported, never adopted silently.
func (m *Manager) Rebuild(ctx context.Context, dep deployment.Deployment, report progress.Report) (RebuildResult, error) {
	report = progress.Or(report)
	res := RebuildResult{Adopted: []Record{}, Missing: []int64{}, Rejected: []string{}}
	ctx, release, err := op.Lock(ctx, dep, "catalog rebuild")
	if err != nil {
		return res, err
	}
	defer release()
	bs, err := m.Store.ListBackups(ctx, dep.ID)
	if err != nil {
		return res, err
	}
	known := map[string]bool{}
	for _, b := range bs {
		known[b.Path] = true
		if b.Status != StatusInProgress && !exists(b.Path) {
			res.Missing = append(res.Missing, b.ID)
		}
	}
	ents, err := os.ReadDir(dep.StorageDir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return res, err
	}
	for _, e := range ents {
		name := e.Name()
		if !(strings.HasSuffix(name, ".tar.gz") || strings.HasSuffix(name, ".tar.zst")) {
			continue
		}
		if e.Type()&fs.ModeSymlink != 0 {
			res.Rejected = append(res.Rejected, name+": a symbolic link, not an archive file")
			continue
		}
		path := filepath.Join(dep.StorageDir, name)
		if known[path] {
			res.Known++
			continue
		}
		if _, err := m.Store.BackupByName(ctx, name); err == nil {
			res.Rejected = append(res.Rejected, name+": another record already uses this name")
			continue
		}
		vr, err := verifyPath(ctx, path, report)
		if err == nil {
			err = checkManifest(vr.Manifest)
		}
		if err == nil {
			err = belongs(dep, vr.Manifest)
		}
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return res, err
			}
			res.Rejected = append(res.Rejected, name+": "+err.Error())
			continue
		}
		rec, err := m.adopt(ctx, dep, path, vr, "adopted by catalog rebuild")
		if err != nil {
			return res, err
		}
		res.Adopted = append(res.Adopted, rec)
	}
	return res, nil
}
