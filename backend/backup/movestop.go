package backup

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sys/unix"

	"rewind/backend/deployment"
	"rewind/backend/diskspace"
	"rewind/backend/store"
)

// checkMoveSpace refuses a move whose copies do not fit in dir's file system
// with its reserve left free. Archives already on that file system are
// renamed and need no space.
func checkMoveSpace(dir string, todo []store.Backup) error {
	var d unix.Stat_t
	if err := unix.Stat(dir, &d); err != nil {
		return fmt.Errorf("stat %s: %w", dir, err)
	}
	var need int64
	n := 0
	for _, b := range todo {
		var s unix.Stat_t
		if unix.Stat(b.Path, &s) != nil || s.Dev == d.Dev {
			continue
		}
		need += b.Size
		n++
	}
	if n == 0 {
		return nil
	}
	free, size, err := diskspace.Free(dir)
	if err != nil {
		return err
	}
	reserve := diskspace.Reserve(size)
	if uint64(need)+reserve > free {
		return fmt.Errorf("%w in %s: moving %d archive(s) needs %s plus a reserve of %s, and %s is free; nothing was moved: free some space there or choose another directory",
			diskspace.ErrNoSpace, dir, n, diskspace.Human(need), diskspace.Human(int64(reserve)), diskspace.Human(int64(free)))
	}
	return nil
}

// Place is a directory and the backups whose archives are in it.
type Place struct {
	Dir     string  `json:"dir"`
	Backups []int64 `json:"backups"`
}

// MoveStoppedError is a storage move that stopped part way, with where each
// archive is now: every one is in the catalog at its real location.
type MoveStoppedError struct {
	Backup     int64   // the backup the move stopped at
	StorageDir string  // still the storage directory
	Places     []Place // where the archives are, the storage directory last
	Err        error
}

func (e *MoveStoppedError) Error() string {
	var where []string
	for _, p := range e.Places {
		ids := make([]string, len(p.Backups))
		for i, id := range p.Backups {
			ids[i] = fmt.Sprintf("#%d", id)
		}
		where = append(where, fmt.Sprintf("%s (%s)", p.Dir, strings.Join(ids, ", ")))
	}
	msg := fmt.Sprintf("storage move stopped at backup #%d: %v; nothing is lost, and the catalog knows where each archive is: %s; the storage directory is still %s, and running the move again finishes it",
		e.Backup, e.Err, strings.Join(where, "; "), e.StorageDir)
	return strings.ReplaceAll(msg, "\n", "; ")
}

func (e *MoveStoppedError) Unwrap() error { return e.Err }

// moveStopped describes a move that failed at backup b, from the catalog.
func (m *Manager) moveStopped(ctx context.Context, dep deployment.Deployment, b store.Backup, err error) error {
	e := &MoveStoppedError{Backup: b.ID, StorageDir: dep.StorageDir, Err: err}
	bs, lerr := m.Store.ListBackups(context.WithoutCancel(ctx), dep.ID)
	if lerr != nil {
		return errors.Join(e, fmt.Errorf("list where the archives are: %w", lerr))
	}
	e.Places = Places(bs, dep.StorageDir)
	return e
}

// Places groups the backups with an archive by directory: other directories
// first, by name, the storage directory last. Ascending IDs in each.
func Places(bs []store.Backup, storageDir string) []Place {
	byDir := map[string][]int64{}
	for _, b := range bs {
		if b.Status == StatusInProgress || !exists(b.Path) {
			continue
		}
		byDir[filepath.Dir(b.Path)] = append(byDir[filepath.Dir(b.Path)], b.ID)
	}
	var out []Place
	for dir, ids := range byDir {
		slices.Sort(ids)
		out = append(out, Place{Dir: dir, Backups: ids})
	}
	storage := filepath.Clean(storageDir)
	slices.SortFunc(out, func(a, b Place) int {
		if (a.Dir == storage) != (b.Dir == storage) {
			if a.Dir == storage {
				return 1
			}
			return -1
		}
		return strings.Compare(a.Dir, b.Dir)
	})
	return out
}
