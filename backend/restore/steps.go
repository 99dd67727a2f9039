package restore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"time"

	"rewind/backend/backup"
	"rewind/backend/docker"
	"rewind/backend/durable"
	"rewind/backend/progress"
)

// swap, past the commit point, carries the out-of-scope live paths into
// the staged tree, then swaps every target, journaling each move before
// making it. Every move goes through the handles of the deployment and the
// staging directory.
func (x *run) swap(ctx context.Context) error {
	f, targets := x.f, x.res.Plan.Targets
	x.report.Phase(progress.Swapping, "swapping files")
	f.Phase = Swapping
	// Checked again now that the containers are stopped: nothing may have
	// been mounted inside a target since the preview.
	if err := CheckMounts(f.Root, targets); err != nil {
		return err
	}
	root, stage, err := openTrees(f)
	if err != nil {
		return err
	}
	defer root.close()
	defer stage.close()
	carries, err := x.sc.carries(root, targets)
	if err != nil {
		return err
	}
	for _, c := range carries {
		f.Carried = append(f.Carried, c)
		if err := x.o.Save(ctx); err != nil {
			return err
		}
		live, staged := at{root, c}, at{stage, c}
		if err := mkParents(root, stage, c); err != nil {
			return fmt.Errorf("keep %s: %w", c, err)
		}
		if err := moveNew(live, staged); err != nil {
			return fmt.Errorf("keep %s: %w", c, err)
		}
		if err := syncDirs(live, staged); err != nil {
			return err
		}
	}
	// Every swap is journaled, with the inodes that identify its two sides,
	// before the first one is made: recovery settles each by inode, and one
	// not made yet is settled already. One journal write, however many
	// entries beside a kept mount point are swapped one by one.
	first := len(f.Swaps)
	for _, t := range targets {
		if err := mkParents(root, stage, t); err != nil { // an entry beside a kept mount
			return fmt.Errorf("swap %s: %w", t, err)
		}
		s := swap{Target: t, StagedIno: at{stage, t}.ino(), LiveIno: at{root, t}.ino()}
		if s.StagedIno != 0 || s.LiveIno != 0 {
			f.Swaps = append(f.Swaps, s)
		}
	}
	if err := x.o.Save(ctx); err != nil {
		return err
	}
	for i := first; i < len(f.Swaps); i++ {
		s := f.Swaps[i]
		if err := x.o.Point(Swapping); err != nil {
			return err
		}
		live, staged := at{root, s.Target}, at{stage, s.Target}
		var err error
		switch {
		case s.StagedIno != 0 && s.LiveIno != 0:
			err = exchange(staged, live)
		case s.StagedIno != 0:
			err = moveNew(staged, live)
		default:
			err = moveNew(live, staged)
		}
		if err != nil {
			return fmt.Errorf("swap %s: %w", s.Target, err)
		}
		if err := syncDirs(live, staged); err != nil {
			return err
		}
		f.Swaps[i].Done = true
	}
	f.Phase = Swapped
	if err := x.o.Step(ctx, Swapped); err != nil {
		return err
	}
	x.lap("swap")
	return nil
}

// openTrees opens the deployment and, below it, the staging directory.
func openTrees(f *facts) (root, stage *tree, err error) {
	rel, err := filepath.Rel(f.Root, f.Stage)
	if err != nil {
		return nil, nil, err
	}
	if root, err = openTree(f.Root); err != nil {
		return nil, nil, err
	}
	if stage, err = root.sub(filepath.ToSlash(rel)); err != nil {
		root.close()
		return nil, nil, fmt.Errorf("open the staging directory: %w", err)
	}
	return root, stage, nil
}

// mkParents creates in stage the directories above rel that exist live,
// with the live directories' modes.
func mkParents(root, stage *tree, rel string) error {
	dir := path.Dir(rel)
	if dir == "." {
		return nil
	}
	var chain []string
	for d := dir; d != "."; d = path.Dir(d) {
		chain = append([]string{d}, chain...)
	}
	for _, d := range chain {
		if stage.exists(d) {
			continue
		}
		mode := os.FileMode(0o755)
		if st, err := root.lstat(d); err == nil {
			mode = os.FileMode(st.Mode & 0o777)
		}
		if err := stage.mkdir(d, mode); err != nil {
			return err
		}
	}
	return nil
}

// start restores the restart policies and starts the containers that
// were running, waiting until they are up (healthy where they can tell).
func (x *run) start(ctx context.Context) error {
	f, eng := x.f, x.eng
	if eng != nil && f.Snapshot != nil {
		if f.NoStart {
			if err := eng.RestorePolicies(ctx, *f.Snapshot); err != nil {
				return fmt.Errorf("%w: %v", ErrUnhealthy, err)
			}
		} else if err := x.startAgain(ctx); err != nil {
			return fmt.Errorf("%w: %v", ErrUnhealthy, err)
		}
	}
	if err := x.o.Step(ctx, Started); err != nil {
		return err
	}
	x.lap("start")
	return nil
}

func (x *run) startAgain(ctx context.Context) error {
	snap := *x.f.Snapshot
	x.report.Phase(progress.Starting, "starting containers")
	wctx, cancel := context.WithTimeout(ctx, x.r.StartTimeout+time.Minute)
	defer cancel()
	x.report.Phase(progress.Health, "waiting for the containers to be healthy")
	if err := x.eng.Start(wctx, snap, x.r.StartTimeout); err != nil {
		return err
	}
	x.res.Started = x.res.Started[:0]
	for _, c := range snap.Running() {
		x.res.Started = append(x.res.Started, c.Name)
	}
	return nil
}

// commit journals that the restore succeeded: from here recovery keeps the
// replaced entries instead of putting them back.
func (x *run) commit(ctx context.Context) error {
	x.f.Phase = Committed
	return x.o.Step(ctx, Committed)
}

// undo puts the previous files back and the containers in their previous
// state. It runs to the end whatever the context says.
func (x *run) undo(ctx context.Context) error {
	ctx = context.WithoutCancel(ctx)
	f, eng := x.f, x.eng
	x.report.Phase(progress.RollingBack, "putting the previous files back")
	f.Phase = Undoing
	errs := appendErr(nil, x.o.Step(ctx, Undoing))
	if eng != nil && f.Snapshot != nil && len(f.Swaps) > 0 {
		// Containers may have been started on the restored files: stop them
		// before swapping back under them.
		if _, err := eng.Stop(ctx, *f.Snapshot, x.r.StopTimeout); err != nil {
			errs = append(errs, fmt.Errorf("stop containers before putting the files back: %w", err))
			return errors.Join(errs...)
		}
	}
	if err := unswap(f); err != nil {
		return errors.Join(append(errs, err)...)
	}
	f.Phase = Undone
	errs = appendErr(errs, x.o.Step(ctx, Undone))
	if eng != nil && f.Snapshot != nil {
		x.report.Phase(progress.Starting, "starting the containers again")
		if f.NoStart {
			errs = appendErr(errs, eng.RestorePolicies(ctx, *f.Snapshot))
		} else if err := eng.Start(ctx, *f.Snapshot, x.r.StartTimeout); err != nil {
			errs = append(errs, fmt.Errorf("the previous files are back, but the containers did not come up again: %w", err))
		}
	}
	if len(errs) == 0 {
		x.res.Warnings = append(x.res.Warnings, "the restore was undone: the previous files are back; "+containersText(f))
	}
	return errors.Join(errs...)
}

// unswap settles every swap and carry back, newest first.
func unswap(f *facts) error {
	if len(f.Swaps) == 0 && len(f.Carried) == 0 {
		return nil
	}
	root, stage, err := openTrees(f)
	if err != nil {
		return err
	}
	defer root.close()
	defer stage.close()
	for i := len(f.Swaps) - 1; i >= 0; i-- {
		s := f.Swaps[i]
		if err := settle(at{root, s.Target}, at{stage, s.Target}, s); err != nil {
			return err
		}
	}
	for i := len(f.Carried) - 1; i >= 0; i-- {
		live, staged := at{root, f.Carried[i]}, at{stage, f.Carried[i]}
		if staged.exists() && !live.exists() {
			if err := moveNew(staged, live); err != nil {
				return fmt.Errorf("put %s back: %w", f.Carried[i], err)
			}
			if err := syncDirs(live, staged); err != nil {
				return err
			}
		}
	}
	return nil
}

func appendErr(errs []error, err error) []error {
	if err != nil {
		return append(errs, err)
	}
	return errs
}

// keepOld turns the replaced entries, now in the staging directory, into
// the pre-restore backup, then removes them. If that fails they are kept as
// a directory and the admin is told where.
func (x *run) keepOld(ctx context.Context) {
	f, res := x.f, x.res
	// The backup covers every swapped entry: one that the restore added is
	// absent from it, so restoring it removes that entry again.
	var paths []string
	replaced := false
	for _, s := range f.Swaps {
		paths = append(paths, s.Target)
		replaced = replaced || s.LiveIno != 0
	}
	if replaced {
		x.report.Phase(progress.Archiving, "keeping the replaced files as a pre-restore backup")
		cr, err := x.r.Backups.Create(ctx, x.dep, backup.CreateRequest{Source: backup.Source{Root: f.Stage, Paths: paths},
			Type: backup.TypePreRestore, Version: f.OldVersion,
			Description: fmt.Sprintf("files replaced by the %s restore of backup #%d", f.Mode, f.BackupID),
		}, x.report)
		if err != nil {
			kept := filepath.Join(filepath.Dir(f.Work), fmt.Sprintf("replaced-%d", f.OpID))
			if rerr := durable.Rename(f.Stage, kept); rerr != nil {
				kept = f.Stage
			} else {
				x.discard(ctx) // only the journal is left in it; swept at the next start if it stays
			}
			res.OldTree = kept
			res.Warnings = append(res.Warnings, fmt.Sprintf("the replaced files could not be archived (%v); they are kept in %s", err, kept))
			return
		}
		res.SafetyCopy = &cr.Record
		for _, w := range cr.Warnings { // special files that appeared after the preview, say
			res.Warnings = append(res.Warnings, fmt.Sprintf("pre-restore backup #%d: %s", cr.Record.ID, w))
		}
	}
	if err := x.discard(ctx); err != nil {
		what := "the replaced files' work directory "
		if res.SafetyCopy != nil {
			what = fmt.Sprintf("the replaced files are kept as backup #%d, but their copy in ", res.SafetyCopy.ID)
		}
		res.Warnings = append(res.Warnings, what+err.Error())
	}
}

func (r *Restorer) engine(ctx context.Context) (Engine, error) {
	if r.Connect == nil {
		return nil, fmt.Errorf("%w: no connection configured", docker.ErrUnreachable)
	}
	return r.Connect(ctx)
}
