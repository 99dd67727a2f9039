package restore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
	"time"

	"rewind/backend/archive"
	"rewind/backend/backup"
	"rewind/backend/deployment"
	"rewind/backend/diskspace"
	"rewind/backend/durable"
	"rewind/backend/op"
	"rewind/backend/progress"
	"rewind/backend/store"
)

// run is one restore in flight: its journal (o, whose facts are f), what
// the plan decided, and what it did so far.
type run struct {
	r      *Restorer
	dep    deployment.Deployment
	id     int64 // the backup restored
	opts   Options
	o      *op.Op[*facts]
	f      *facts
	b      store.Backup
	sc     scope
	eng    Engine // nil: Docker is unreachable, no container was stopped
	report progress.Report
	res    *Result
	mark   time.Time // the start of the current phase, for res.PhasesMs
}

// Run restores backup id into the deployment, under the deployment's lock
// (taken unless ctx holds it already: the restore of a rollback). The
// steps are those of Spec (docs/operations.md): the archive is extracted
// and checked beside the live files, the containers stop, and from the
// commit point on the entries are swapped, the containers started and the
// restore committed, or every change undone, whatever the admin asks.
func (r *Restorer) Run(ctx context.Context, dep deployment.Deployment, id int64, opts Options, report progress.Report) (res Result, err error) {
	start := r.Now()
	res = Result{Warnings: []string{}, Started: []string{}, PhasesMs: map[string]int64{}}
	defer func() { res.DurationMs = r.Now().Sub(start).Milliseconds() }()
	f := &facts{BackupID: id, Mode: opts.Mode, Root: dep.Path, NoStart: opts.NoStart, Carried: []string{}, Swaps: []swap{},
		OldVersion: dep.Version(), Phase: Staging}
	x := &run{r: r, dep: dep, id: id, opts: opts, o: op.For(r.Kernel, &Spec, dep, f), f: f,
		report: progress.Or(report), res: &res, mark: start}

	ctx, err = x.o.Begin(ctx, fmt.Sprintf("restore of backup #%d", id), Planning)
	defer x.o.End(ctx, &err)
	defer x.end(ctx, &err)
	if err != nil {
		return res, err
	}
	if err = x.plan(ctx); err != nil {
		return res, err
	}
	if err = x.stage(ctx); err != nil {
		return res, err
	}
	if err = x.stop(ctx); err != nil {
		return res, x.failed(ctx, err)
	}
	// The commit point: from here on the swap, or its undo, runs to the end.
	if ctx, err = x.o.Commit(ctx, Carried); err != nil {
		return res, x.failed(ctx, err)
	}
	if err = x.swap(ctx); err != nil {
		return res, x.failed(ctx, err)
	}
	if err = x.start(ctx); err != nil {
		return res, x.failed(ctx, err)
	}
	if err = x.commit(ctx); err != nil {
		return res, x.failed(ctx, err)
	}
	x.keepOld(ctx)
	x.lap("safetyCopy")
	return res, nil
}

// plan checks the record, plans the restore and has it confirmed. Nothing
// changes.
func (x *run) plan(ctx context.Context) error {
	x.report.Phase(progress.Preparing, "checking the backup")
	plan, b, sc, err := x.r.plan(ctx, x.dep, x.id, x.opts.Mode)
	if err != nil {
		return err
	}
	x.res.Plan, x.b, x.sc, x.f.Mode = plan, b, sc, plan.Mode
	if plan.DiscardsData && !x.opts.Confirmed && x.opts.Confirmation != x.dep.Name {
		return fmt.Errorf("%w: this restore replaces data; type the deployment name %q to confirm", ErrConfirmation, x.dep.Name)
	}
	if err := x.o.Step(ctx, Planned); err != nil {
		return err
	}
	if err := checkRoom(x.dep.Path, plan.NeedBytes); err != nil {
		return err
	}
	return x.dep.CheckEnvVersion() // the pre-restore backup records it
}

// stage makes the staging directory below the deployment's .rewind and
// extracts every byte into it while hashing the archive; the hash must
// equal the record's before anything live is touched.
func (x *run) stage(ctx context.Context) error {
	f := x.f
	f.OpID = x.o.ID()
	f.Work = workDir(f.Root, f.OpID)
	f.Stage = filepath.Join(f.Work, "stage")
	if err := makeStage(f.Root, f.Stage); err != nil {
		f.Work = "" // not ours to remove
		return err
	}
	x.o.File = journalFile(f.Work)
	if err := x.o.Step(ctx, Staging); err != nil {
		return err
	}
	if err := x.extract(ctx); err != nil {
		return err
	}
	if err := x.o.Step(ctx, Staged); err != nil {
		return err
	}
	x.lap("stage")
	return nil
}

// extract extracts the archive into the staging directory, hashing the
// file as it is read, makes the staged tree durable, then checks the
// archive's hash and manifest.
func (x *run) extract(ctx context.Context) error {
	b, f := x.b, x.f
	file, err := durable.OpenRegular(b.Path)
	if err != nil {
		return fmt.Errorf("%w: %v", backup.ErrFileMissing, err)
	}
	defer file.Close()
	// The archive is hashed on its own goroutine as it is read.
	hr := archive.NewHashingReader(file, true)
	defer hr.Close()
	// A fault at the point halfway through stops the extraction.
	xctx, stop := context.WithCancel(ctx)
	defer stop()
	var midErr error
	mid := false
	xr, err := archive.Extract(xctx, hr, f.Stage, archive.ExtractOptions{
		Filter:  x.sc.extract,
		Sync:    true,
		Workers: 2, // two writers: trees of many small files restore faster
		Report: func(p archive.Progress) {
			x.report(progress.Progress{Phase: progress.Extracting, BytesDone: p.BytesDone, BytesTotal: p.BytesTotal,
				FilesDone: p.FilesDone, FilesTotal: p.FilesTotal})
			if !mid && p.BytesTotal > 0 && 2*p.BytesDone >= p.BytesTotal {
				mid = true
				if midErr = x.o.Point(ExtractingMid); midErr != nil {
					stop()
				}
			}
		},
	})
	if midErr != nil {
		return midErr
	}
	if err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled) {
		return cancelledUnchanged(ctx, nil, b.ID, err)
	}
	if err != nil {
		return fmt.Errorf("backup #%d cannot be extracted, nothing was changed: %w", b.ID, err)
	}
	if err := dropSources(f.Stage, x.sc); err != nil {
		return err
	}
	if err := x.o.Step(ctx, Extracted); err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, hr); err != nil {
		return fmt.Errorf("read backup #%d: %w", b.ID, err)
	}
	if got := hr.Sum(); got != b.SHA256 {
		return fmt.Errorf("backup #%d, nothing was changed: %w (recorded %s, file %s)", b.ID, backup.ErrChecksum, b.SHA256, got)
	}
	if m := xr.Manifest; m.Deployment != x.dep.Name && m.Project != x.dep.ComposeProject {
		return fmt.Errorf("backup #%d, nothing was changed: %w: it was made for %q", b.ID, backup.ErrWrongProject, m.Deployment)
	}
	return nil
}

// stop stops the containers, journaling first what ran and its restart
// policies. A restore with NoStart goes on without Docker, stopping nothing.
func (x *run) stop(ctx context.Context) error {
	f := x.f
	eng, err := x.r.engine(ctx)
	if err != nil && (!x.opts.NoStart || ctx.Err() != nil) {
		return err // a cancellation is never taken for an unreachable Docker
	}
	if err != nil {
		x.res.Warnings = append(x.res.Warnings, "Docker is unreachable: the containers were not stopped; start the service yourself after checking it: "+err.Error())
		x.lap("stop")
		return x.o.Step(ctx, Stopped)
	}
	x.eng = eng
	x.report.Phase(progress.Stopping, "stopping containers")
	snap, err := eng.Snapshot(ctx, x.dep.ComposeProject)
	if err != nil {
		return fmt.Errorf("inspect containers: %w", err)
	}
	f.Snapshot, f.Stopped, f.Phase = &snap, true, Stopped
	if err := x.o.Step(ctx, Stopped); err != nil {
		return err
	}
	rep, err := eng.Stop(context.WithoutCancel(ctx), snap, x.r.StopTimeout)
	x.res.Warnings = append(x.res.Warnings, rep.Warnings()...)
	if err != nil {
		return fmt.Errorf("stop containers: %w", err)
	}
	if err := ctx.Err(); err != nil { // cancelled while they stopped: they start again
		return op.Cancelled(err, fmt.Sprintf("the restore of backup #%d was cancelled; no file was changed", x.id))
	}
	x.lap("stop")
	return nil
}

// failed undoes what the restore changed, once it stopped containers.
func (x *run) failed(ctx context.Context, err error) error {
	if x.f.Phase == Staging {
		return err // nothing live changed
	}
	return errors.Join(err, x.undo(ctx))
}

// end settles how a restore that returns err ends, before the kernel closes
// its journal: a cancellation before anything changed is worded for the
// admin; an undo that did not complete leaves the restore for recovery at
// the next start; a restore that failed otherwise removes its staged copy.
func (x *run) end(ctx context.Context, errp *error) {
	*errp = cancelledUnchanged(ctx, x.f, x.id, *errp)
	if *errp == nil || x.o.ID() == 0 {
		return
	}
	switch x.f.Phase {
	case Stopped, Swapping, Swapped, Undoing:
		x.o.Leave()
	case Committed:
	default:
		x.discard(ctx) // only the staged copy of the archive: swept at the next start if it stays
	}
}

// lap records the time since the previous lap under name.
func (x *run) lap(name string) { x.res.phase(name, &x.mark, x.r.Now()) }

func checkSameFS(root string, targets []string) error {
	rd, err := dev(root)
	if err != nil {
		return err
	}
	for _, t := range targets {
		p := filepath.Join(root, t)
		d, err := dev(p)
		if err != nil {
			continue // not live: nothing to check
		}
		if d != rd {
			return fmt.Errorf("%w: %s is on another file system than %s; Rewind swaps entries by rename and cannot restore it in place", ErrMountPoint, p, root)
		}
	}
	return nil
}

func checkRoom(root string, need int64) error {
	free, size, err := diskspace.Free(root)
	if err != nil {
		return err
	}
	want := uint64(need) + uint64(need)/10 + diskspace.Reserve(size)
	if free < want {
		return fmt.Errorf("%w in %s: the restore stages %s beside the live files and needs about %s free, %s is free",
			diskspace.ErrNoSpace, root, diskspace.Human(need), diskspace.Human(int64(want)), diskspace.Human(int64(free)))
	}
	return nil
}

// cancelledUnchanged words the cancellation of a restore that had changed
// nothing yet (no facts, or still staging: the containers run and the live
// tree is untouched) the way the admin reads it, whichever step it
// interrupted. Other errors, and cancellations later on, are returned as
// they are.
func cancelledUnchanged(ctx context.Context, f *facts, id int64, err error) error {
	if !op.IsCancel(ctx, err) || (f != nil && f.Phase != Staging) {
		return err
	}
	return op.Cancelled(err, fmt.Sprintf("the restore of backup #%d was cancelled; nothing was changed", id))
}

// makeStage creates the work and staging directories below the
// deployment's .rewind without following a link: a container that can
// write the project directory could have replaced .rewind with one, and the
// archive would be extracted wherever it points.
func makeStage(root, stage string) error {
	t, err := openTree(root)
	if err != nil {
		return err
	}
	defer t.close()
	rel, err := filepath.Rel(root, stage)
	if err != nil {
		return err
	}
	rel = filepath.ToSlash(rel)
	p := ""
	for _, c := range strings.Split(rel, "/") {
		p = path.Join(p, c)
		if err := t.mkdir(p, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
			return linkOr(t, p, fmt.Errorf("create staging directory: %w", err))
		}
	}
	s, err := t.sub(rel)
	if err != nil {
		return linkOr(t, rel, fmt.Errorf("create staging directory: %w", err))
	}
	s.close()
	return nil
}

// linkOr names the link on the way to rel when there is one, else returns err.
func linkOr(t *tree, rel string, err error) error {
	if link, to, ok := t.firstLink(rel); ok {
		return fmt.Errorf("%w: %s is a symbolic link to %q, and Rewind stages a restore only in a real directory; nothing was changed. Remove the link, then restore again",
			ErrLinkInPath, t.join(link), to)
	}
	return err
}
