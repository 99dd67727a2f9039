package restore

import (
	"errors"
	"fmt"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// at is a path below an opened tree. Every move of the restore names both
// ends this way, so no move ever resolves a symbolic link or crosses a
// mount point below the deployment or the staging directory.
type at struct {
	t   *tree
	rel string
}

func (a at) String() string { return a.t.join(a.rel) }
func (a at) ino() uint64    { return a.t.ino(a.rel) }
func (a at) exists() bool   { return a.t.exists(a.rel) }
func (a at) aside() at      { return at{a.t, a.rel + ".aside"} }

func rename(a, b at, flags uint) error { return renameAt(a.t, a.rel, b.t, b.rel, flags) }

// exchange atomically swaps two entries on one file system
// (renameat2 RENAME_EXCHANGE). Where the file system cannot, it falls back
// to three renames through an aside name; recovery resolves every
// intermediate state by inode.
func exchange(a, b at) error {
	err := rename(a, b, unix.RENAME_EXCHANGE)
	if err == nil {
		return nil
	}
	if !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOSYS) && !errors.Is(err, unix.EOPNOTSUPP) {
		return fmt.Errorf("exchange %s and %s: %w", a, b, err)
	}
	aside := b.aside()
	if err := rename(b, aside, 0); err != nil {
		return fmt.Errorf("move %s aside: %w", b, err)
	}
	if err := rename(a, b, 0); err != nil {
		return errors.Join(fmt.Errorf("move %s to %s: %w", a, b, err), rename(aside, b, 0))
	}
	return rename(aside, a, 0)
}

// moveNew renames src to dst, refusing to replace an existing dst.
func moveNew(src, dst at) error {
	if err := rename(src, dst, unix.RENAME_NOREPLACE); err != nil {
		if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) {
			if dst.exists() {
				return fmt.Errorf("move %s: %s exists", src, dst)
			}
			return rename(src, dst, 0)
		}
		return fmt.Errorf("move %s to %s: %w", src, dst, err)
	}
	return nil
}

// syncDirs fsyncs the parent directories of the entries.
func syncDirs(entries ...at) error {
	seen := map[string]bool{}
	for _, e := range entries {
		key := filepath.Dir(e.String())
		if seen[key] {
			continue
		}
		seen[key] = true
		if err := e.t.syncParent(e.rel); err != nil {
			return err
		}
	}
	return nil
}

// settle puts one swap back: the live path gets the live inode again (or
// nothing when there was none) and the staging path the staged inode.
func settle(live, staged at, s swap) error {
	aside := live.aside()
	li, si, ai := live.ino(), staged.ino(), aside.ino()
	switch {
	case s.LiveIno != 0 && ai == s.LiveIno: // interrupted fallback exchange
		if li == s.StagedIno && si == 0 {
			if err := moveNew(live, staged); err != nil {
				return err
			}
		}
		if live.ino() == 0 {
			if err := moveNew(aside, live); err != nil {
				return err
			}
		}
	case li == s.StagedIno && s.StagedIno != 0 && si == s.LiveIno && s.LiveIno != 0:
		if err := exchange(staged, live); err != nil {
			return err
		}
	case li == s.StagedIno && s.StagedIno != 0 && si == 0:
		if err := moveNew(live, staged); err != nil {
			return err
		}
		if s.LiveIno != 0 && live.ino() == 0 && ai == s.LiveIno {
			return moveNew(aside, live)
		}
	case li == 0 && s.LiveIno != 0 && si == s.LiveIno:
		if err := moveNew(staged, live); err != nil {
			return err
		}
	}
	if s.LiveIno != 0 && live.ino() != s.LiveIno {
		return fmt.Errorf("cannot put %s back: it is not where the journal expects it; the previous tree is kept under %s", live, staged.t.path)
	}
	return syncDirs(live, staged)
}
