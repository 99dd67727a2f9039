package restore

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"rewind/backend/archive"
	"rewind/backend/deployment"
	"rewind/backend/store"
)

// Plan previews restoring backup id in the given mode: nothing changes.
func (r *Restorer) Plan(ctx context.Context, dep deployment.Deployment, id int64, mode Mode) (Plan, error) {
	p, _, _, err := r.plan(ctx, dep, id, mode)
	return p, err
}

// plan computes the preview, and returns the record and scope for Run.
func (r *Restorer) plan(ctx context.Context, dep deployment.Deployment, id int64, mode Mode) (Plan, store.Backup, scope, error) {
	p, b, sc, err := r.planOnce(ctx, dep, id, mode)
	return p, b, sc, cancelledUnchanged(ctx, nil, id, err)
}

func (r *Restorer) planOnce(ctx context.Context, dep deployment.Deployment, id int64, mode Mode) (Plan, store.Backup, scope, error) {
	mode, err := ParseMode(string(mode))
	if err != nil {
		return Plan{}, store.Backup{}, scope{}, err
	}
	if _, err := deployment.CheckDir(dep.Path); err != nil {
		return Plan{}, store.Backup{}, scope{}, err
	}
	rec, err := r.Backups.Get(ctx, dep, id)
	if err != nil {
		return Plan{}, store.Backup{}, scope{}, err
	}
	if !rec.Restorable() {
		return Plan{}, store.Backup{}, scope{}, notRestorable(rec)
	}
	b, err := r.Store.GetBackup(ctx, id)
	if err != nil {
		return Plan{}, b, scope{}, err
	}
	man, err := b.Manifest()
	if err != nil {
		return Plan{}, b, scope{}, fmt.Errorf("backup #%d has no readable manifest in the catalog: %w", id, err)
	}
	keep, err := dep.KeptPaths()
	if err != nil {
		return Plan{}, b, scope{}, err
	}
	sc := scope{mode: mode, data: dep.DataPaths, keep: keep, paths: man.Paths}
	if len(sc.paths) == 0 {
		sc.paths = []string{"."}
	}
	entries, err := r.Store.BackupEntries(ctx, id)
	if err != nil {
		return Plan{}, b, sc, err
	}
	if mode == Data {
		if err := checkHoldsData(id, dep.DataPaths, entries); err != nil {
			return Plan{}, b, sc, err
		}
	}
	p := Plan{BackupID: id, BackupName: b.Name, Mode: mode, Version: b.Version, DeploymentName: dep.Name,
		Containers: []string{}, Kept: []string{}, Separated: []HardLink{}}
	if p.Targets, err = sc.targets(dep.Path, entries); err != nil {
		return p, b, sc, err
	}
	if p.Targets, p.Mounts, err = checkLive(dep.Path, sc, p.Targets, entries); err != nil {
		return p, b, sc, err
	}
	if err := preview(ctx, dep, &sc, entries, b.CreatedAt, &p); err != nil {
		return p, b, sc, err
	}
	separate(&sc, entries, &p)
	// Sparse files come back with their holes: only their data needs room.
	for _, s := range man.Sparse {
		if sc.in(s.Path) {
			p.NeedBytes -= max(s.Holes, 0)
		}
	}
	p.NeedBytes = max(p.NeedBytes, 0)
	if eng, err := r.engine(ctx); err != nil {
		p.DockerError = err.Error()
	} else if snap, err := eng.Snapshot(ctx, dep.ComposeProject); err != nil {
		p.DockerError = err.Error()
	} else {
		for _, c := range snap.Running() {
			p.Containers = append(p.Containers, c.Name)
		}
	}
	if err := ctx.Err(); err != nil {
		return Plan{}, store.Backup{}, scope{}, err // cancelled, not a Docker problem
	}
	return p, b, sc, nil
}

type liveFile struct {
	typ   string
	size  int64
	mtime time.Time
	link  string
}

// preview compares the archive's in-scope entries with the live tree.
// Files with the same size and mtime are taken as unchanged (as rsync and
// restic do); anything changed after the backup was taken counts as lost.
// The live FIFOs, sockets and devices, which no archive holds, are listed in
// p.Kept and added to the scope's kept paths: the restore leaves them in
// place, as it does excluded paths.
func preview(ctx context.Context, dep deployment.Deployment, sc *scope, entries []archive.Entry, taken time.Time, p *Plan) error {
	live := map[string]liveFile{}
	err := filepath.WalkDir(dep.Path, func(full string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rel, _ := filepath.Rel(dep.Path, full)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if rel == archive.MetaDir {
			return filepath.SkipDir
		}
		if !sc.in(rel) {
			if d.IsDir() && (under(rel, sc.outside()) || !(under(rel, sc.roots()) || above(rel, sc.roots()))) {
				return filepath.SkipDir
			}
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		lf := liveFile{mtime: info.ModTime()}
		switch {
		case info.Mode().IsRegular():
			lf.typ, lf.size = archive.TypeFile, info.Size()
		case info.IsDir():
			lf.typ = archive.TypeDir
		case info.Mode()&fs.ModeSymlink != 0:
			lf.typ = archive.TypeSymlink
			lf.link, _ = os.Readlink(full)
		default:
			p.Kept = append(p.Kept, rel)
			return nil
		}
		live[rel] = lf
		return nil
	})
	if err != nil {
		return err
	}
	slices.Sort(p.Kept)
	sc.keep = append(slices.Clip(sc.keep), p.Kept...)
	lostData := false
	inData := func(path string) bool { return under(path, dep.DataPaths) }
	files := map[string]archive.Entry{}
	for _, e := range entries {
		if e.Type == archive.TypeFile {
			files[e.Path] = e
		}
	}
	for _, e := range entries {
		if !sc.in(e.Path) {
			continue
		}
		if e.Type == archive.TypeHardlink { // compared as the file it names
			if src, ok := files[e.Link]; ok {
				e.Size, e.MTime = src.Size, src.MTime
			}
		}
		if e.Type == archive.TypeFile {
			p.NeedBytes += e.Size
		}
		lf, ok := live[e.Path]
		delete(live, e.Path)
		if e.Type == archive.TypeDir {
			continue
		}
		if !ok {
			p.Added.Files++
			p.Added.Bytes += e.Size
			continue
		}
		same := lf.typ == e.Type || (e.Type == archive.TypeHardlink && lf.typ == archive.TypeFile)
		if same && lf.typ == archive.TypeFile {
			same = lf.size == e.Size && lf.mtime.Equal(e.MTime)
		}
		if same && lf.typ == archive.TypeSymlink {
			same = lf.link == e.Link
		}
		if same {
			continue
		}
		p.Replaced.Files++
		p.Replaced.Bytes += e.Size
		if lf.mtime.After(taken) {
			p.Lost.Files++
			p.Lost.Bytes += lf.size
		}
		if inData(e.Path) {
			lostData = true
		}
	}
	for path, lf := range live {
		if lf.typ == archive.TypeDir {
			continue
		}
		p.Removed.Files++
		p.Removed.Bytes += lf.size
		if lf.mtime.After(taken) {
			p.Lost.Files++
			p.Lost.Bytes += lf.size
		}
		if inData(path) {
			lostData = true
		}
	}
	p.DiscardsData = lostData
	return nil
}
