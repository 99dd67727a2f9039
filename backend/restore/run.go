package restore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"rewind/backend/op"
	"strconv"
	"strings"

	"rewind/backend/archive"
	"rewind/backend/backup"
	"rewind/backend/crashpoint"
	"rewind/backend/deployment"
	"rewind/backend/durable"
	"rewind/backend/progress"
	"rewind/backend/store"
)

// Run restores backup id into the deployment, taking the deployment's lock.
func (r *Restorer) Run(ctx context.Context, dep deployment.Deployment, id int64, opts Options, report progress.Report) (Result, error) {
	ctx, release, err := op.Lock(ctx, dep, "restore of backup #"+itoa(id))
	if err != nil {
		return Result{Warnings: []string{}, Started: []string{}}, err
	}
	defer release()
	return r.run(ctx, dep, id, opts, report)
}

// step marks a named step: a crash point for the crash tests, and a place
// where tests inject a failure.
func (r *Restorer) step(name string) error {
	crashpoint.Hit("restore." + name)
	if r.Fault != nil {
		if err := r.Fault(name); err != nil {
			return fmt.Errorf("step %s: %w", name, err)
		}
	}
	return nil
}

func (r *Restorer) run(ctx context.Context, dep deployment.Deployment, id int64, opts Options, report progress.Report) (res Result, err error) {
	report = progress.Or(report)
	start := r.Now()
	res = Result{Warnings: []string{}, Started: []string{}, PhasesMs: map[string]int64{}}
	mark := start
	var f *facts
	defer func() {
		err = cancelledUnchanged(ctx, f, id, err)
		res.DurationMs = r.Now().Sub(start).Milliseconds()
	}()

	// R1–R3: check the record, plan, confirm. Nothing has changed yet.
	report.Phase(progress.Preparing, "checking the backup")
	plan, b, sc, err := r.plan(ctx, dep, id, opts.Mode)
	if err != nil {
		return res, err
	}
	res.Plan = plan
	if plan.DiscardsData && !opts.Confirmed && opts.Confirmation != dep.Name {
		return res, fmt.Errorf("%w: this restore replaces data; type the deployment name %q to confirm", ErrConfirmation, dep.Name)
	}
	if err := r.step("R1"); err != nil {
		return res, err
	}
	if err := checkRoom(dep.Path, plan.NeedBytes); err != nil {
		return res, err
	}
	if err := backup.CheckEnvVersion(dep); err != nil { // the pre-restore backup records it
		return res, err
	}

	// R4: journal, then the staging directory.
	f = &facts{BackupID: id, Mode: plan.Mode, Root: dep.Path, NoStart: opts.NoStart, Carried: []string{}, Swaps: []swap{},
		OldVersion: dep.Version(), Phase: phaseStaging}
	if f.OpID, err = r.Store.BeginOperation(ctx, store.Operation{DeploymentID: dep.ID, Kind: "restore", Step: "R4", Facts: mustJSON(f)}); err != nil {
		return res, err
	}
	f.Work = workDir(dep.Path, f.OpID)
	f.Stage = filepath.Join(f.Work, "stage")
	if err := makeStage(f.Root, f.Stage); err != nil {
		f.Work = "" // not ours to remove
		r.finish(ctx, f, err)
		return res, err
	}
	if err := r.save(ctx, f, "R4"); err != nil {
		r.finish(ctx, f, err)
		return res, err
	}
	defer func() { r.finish(ctx, f, cancelledUnchanged(ctx, f, id, err)) }()
	if err = r.step("R4"); err != nil {
		return res, err
	}

	// R6–R7: extract every byte into staging while hashing the archive; the
	// hash must equal the record's before anything live is touched.
	if err = r.stage(ctx, dep, b, sc, f, report); err != nil {
		return res, err
	}
	if err = r.step("R7"); err != nil {
		return res, err
	}
	res.phase("stage", &mark, r.Now())

	// R5: stop the containers, journaling what ran and its restart policies.
	eng, eerr := r.engine(ctx)
	if eerr != nil && (!opts.NoStart || ctx.Err() != nil) {
		return res, eerr // a cancellation is never taken for an unreachable Docker
	}
	if eerr != nil {
		res.Warnings = append(res.Warnings, "Docker is unreachable: the containers were not stopped; start the service yourself after checking it: "+eerr.Error())
	}
	if eng != nil {
		report.Phase(progress.Stopping, "stopping containers")
		snap, serr := eng.Snapshot(ctx, dep.ComposeProject)
		if serr != nil {
			return res, fmt.Errorf("inspect containers: %w", serr)
		}
		f.Snapshot, f.Stopped, f.Phase = &snap, true, phaseStopped
		if err = r.save(ctx, f, "R5"); err != nil {
			return res, err
		}
		rep, serr := eng.Stop(context.WithoutCancel(ctx), snap, r.StopTimeout)
		res.Warnings = append(res.Warnings, rep.Warnings()...)
		if serr != nil {
			err = fmt.Errorf("stop containers: %w", serr)
			return res, errors.Join(err, r.undo(ctx, f, eng, report, &res))
		}
	}
	if err = r.step("R5"); err != nil {
		return res, errors.Join(err, r.undo(ctx, f, eng, report, &res))
	}

	res.phase("stop", &mark, r.Now())

	// R8: carry what the mode keeps into the staged tree, then swap. From
	// here on the swap (or its undo) runs to the end: no cancellation.
	report.Phase(progress.Swapping, "swapping files")
	sctx := context.WithoutCancel(ctx)
	if err = r.swapIn(sctx, sc, plan.Targets, f); err != nil {
		return res, errors.Join(err, r.undo(sctx, f, eng, report, &res))
	}

	res.phase("swap", &mark, r.Now())

	// R10: restore policies, start what ran, wait for health.
	f.Phase = phaseStarting
	if err = r.save(sctx, f, "R10"); err != nil {
		return res, errors.Join(err, r.undo(sctx, f, eng, report, &res))
	}
	if eng != nil {
		if err = r.startAgain(sctx, f, eng, report, &res); err != nil {
			err = fmt.Errorf("%w: %v", ErrUnhealthy, err)
			return res, errors.Join(err, r.undo(sctx, f, eng, report, &res))
		}
	}
	if err = r.step("R10"); err != nil {
		return res, errors.Join(err, r.undo(sctx, f, eng, report, &res))
	}

	res.phase("start", &mark, r.Now())

	// R11: committed. The replaced entries become the pre-restore backup.
	f.Phase = phaseCommitted
	if err = r.save(sctx, f, "R11"); err != nil {
		return res, err
	}
	crashpoint.Hit("restore.R11")
	r.keepOld(sctx, dep, f, report, &res)
	res.phase("safetyCopy", &mark, r.Now())
	return res, nil
}

// stage extracts the archive into the staging directory, hashing the file
// as it is read, and makes the staged tree durable.
func (r *Restorer) stage(ctx context.Context, dep deployment.Deployment, b store.Backup, sc scope, f *facts, report progress.Report) error {
	file, err := durable.OpenRegular(b.Path)
	if err != nil {
		return fmt.Errorf("%w: %v", backup.ErrFileMissing, err)
	}
	defer file.Close()
	// The archive is hashed on its own goroutine as it is read.
	hr := archive.NewHashingReader(file, true)
	defer hr.Close()
	mid := false
	xr, err := archive.Extract(ctx, hr, f.Stage, archive.ExtractOptions{
		Filter:  sc.extract,
		Sync:    true,
		Workers: 2, // two writers: trees of many small files restore faster
		Report: func(p archive.Progress) {
			report(progress.Progress{Phase: progress.Extracting, BytesDone: p.BytesDone, BytesTotal: p.BytesTotal,
				FilesDone: p.FilesDone, FilesTotal: p.FilesTotal})
			if !mid && p.BytesTotal > 0 && 2*p.BytesDone >= p.BytesTotal {
				mid = true
				crashpoint.Hit("restore.R6.mid")
			}
		},
	})
	if err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled) {
		return cancelledUnchanged(ctx, nil, b.ID, err)
	}
	if err != nil {
		return fmt.Errorf("backup #%d cannot be extracted, nothing was changed: %w", b.ID, err)
	}
	if err := dropSources(f.Stage, sc); err != nil {
		return err
	}
	if _, err := io.Copy(io.Discard, hr); err != nil {
		return fmt.Errorf("read backup #%d: %w", b.ID, err)
	}
	if got := hr.Sum(); got != b.SHA256 {
		return fmt.Errorf("backup #%d, nothing was changed: %w (recorded %s, file %s)", b.ID, backup.ErrChecksum, b.SHA256, got)
	}
	if m := xr.Manifest; m.Deployment != dep.Name && m.Project != dep.ComposeProject {
		return fmt.Errorf("backup #%d, nothing was changed: %w: it was made for %q", b.ID, backup.ErrWrongProject, m.Deployment)
	}
	return r.step("R6")
}

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
	free, size, err := backup.FreeSpace(root)
	if err != nil {
		return err
	}
	want := uint64(need) + uint64(need)/10 + backup.Reserve(size)
	if free < want {
		return fmt.Errorf("%w in %s: the restore stages %s beside the live files and needs about %s free, %s is free",
			backup.ErrNoSpace, root, backup.HumanBytes(need), backup.HumanBytes(int64(want)), backup.HumanBytes(int64(free)))
	}
	return nil
}

// cancelledUnchanged words the cancellation of a restore that had changed
// nothing yet (no facts, or still staging: the containers run and the live
// tree is untouched) the way the admin reads it, whichever step it
// interrupted. Other errors, and cancellations later on, are returned as
// they are.
func cancelledUnchanged(ctx context.Context, f *facts, id int64, err error) error {
	if !backup.IsCancel(ctx, err) || (f != nil && f.Phase != phaseStaging) {
		return err
	}
	return backup.Cancelled(err, fmt.Sprintf("the restore of backup #%d was cancelled; nothing was changed", id))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

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
