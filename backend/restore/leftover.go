package restore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"rewind/backend/archive"
	"rewind/backend/metadir"
	"rewind/backend/store"
)

// discard removes a restore's work directory once nothing in it is needed:
// the replaced files are archived, or none were ever live. The journal says
// so first (Leftover), so that a directory the removal cannot take (an
// immutable file, a mount) is retried at the next start by sweep, which
// removes nothing else.
func (x *run) discard(ctx context.Context) error {
	f := x.f
	if f.Work == "" {
		return nil
	}
	if _, err := os.Lstat(f.Work); err != nil {
		return nil
	}
	f.Leftover = true
	// A journal that cannot be written (a full disk) only loses the retry.
	serr := x.o.Save(ctx)
	if err := removeTree(f.Work); err != nil {
		return &leftoverError{dir: f.Work, err: errors.Join(err, serr), noRetry: serr != nil}
	}
	return nil
}

// leftoverError is a work directory discard could not remove.
type leftoverError struct {
	dir     string
	err     error
	noRetry bool // the journal could not say it may go
}

func (e *leftoverError) Error() string {
	retry := "Rewind tries again at the next start. If it stays, clear"
	if e.noRetry {
		retry = "clear"
	}
	return fmt.Sprintf("%s could not be removed (%s); %s what holds it (an immutable flag, a mount), then delete it",
		e.dir, strings.ReplaceAll(e.err.Error(), "\n", "; "), retry)
}

func (e *leftoverError) Unwrap() error { return e.err }

// sweep removes the work directories that finished restores journaled as
// leftovers and could not remove then. Only a directory named restore-<op>
// whose operation is a finished restore of that deployment, journaled as a
// leftover of exactly that directory, is removed.
func (r *Restorer) sweep(ctx context.Context, _ []store.Operation) ([]string, error) {
	deps, err := r.Store.ListDeployments(ctx)
	if err != nil {
		return nil, err
	}
	var lines []string
	var errs []error
	for _, dep := range deps {
		meta := filepath.Join(dep.Path, archive.MetaDir)
		if metadir.CheckOwnDir(meta) != nil {
			continue // nothing of Rewind's there, or a link it never follows
		}
		ents, err := os.ReadDir(meta)
		if err != nil {
			continue
		}
		for _, e := range ents {
			n, ok := strings.CutPrefix(e.Name(), "restore-")
			id, err := strconv.ParseInt(n, 10, 64)
			if !ok || err != nil || !e.IsDir() {
				continue
			}
			row, err := r.Store.GetOperation(ctx, id)
			if err != nil || row.Kind != Spec.Kind || row.DeploymentID != dep.ID || row.State == store.OpRunning {
				continue
			}
			var f facts
			work := filepath.Join(meta, e.Name())
			if json.Unmarshal(row.Facts, &f) != nil || !f.Leftover || f.Work != work {
				continue
			}
			if err := removeTree(work); err != nil {
				errs = append(errs, fmt.Errorf("the work directory of the restore of backup #%d (operation #%d): %w", f.BackupID, id, &leftoverError{dir: work, err: err}))
				continue
			}
			lines = append(lines, fmt.Sprintf("removed %s, left over by the restore of backup #%d (operation #%d)", work, f.BackupID, id))
		}
	}
	return lines, errors.Join(errs...)
}
