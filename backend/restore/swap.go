package restore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"rewind/backend/durable"
)

// exchange atomically swaps two paths on one file system
// (renameat2 RENAME_EXCHANGE). Where the file system cannot, it falls back
// to three renames through an aside name; recovery resolves every
// intermediate state by inode.
func exchange(a, b string) error {
	err := unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
	if err == nil {
		return nil
	}
	if !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOSYS) && !errors.Is(err, unix.EOPNOTSUPP) {
		return fmt.Errorf("exchange %s and %s: %w", a, b, err)
	}
	aside := b + ".aside"
	if err := os.Rename(b, aside); err != nil {
		return err
	}
	if err := os.Rename(a, b); err != nil {
		return errors.Join(err, os.Rename(aside, b))
	}
	return os.Rename(aside, a)
}

// moveNew renames src to dst, refusing to replace an existing dst.
func moveNew(src, dst string) error {
	if err := unix.Renameat2(unix.AT_FDCWD, src, unix.AT_FDCWD, dst, unix.RENAME_NOREPLACE); err != nil {
		if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.ENOSYS) {
			if exists(dst) {
				return fmt.Errorf("move %s: %s exists", src, dst)
			}
			return os.Rename(src, dst)
		}
		return fmt.Errorf("move %s to %s: %w", src, dst, err)
	}
	return nil
}

// syncDirs fsyncs the parent directories of paths.
func syncDirs(paths ...string) error {
	seen := map[string]bool{}
	for _, p := range paths {
		d := filepath.Dir(p)
		if seen[d] {
			continue
		}
		seen[d] = true
		if err := durable.SyncDir(d); err != nil {
			return err
		}
	}
	return nil
}

// settle puts one swap back: the live path gets the live inode again (or
// nothing when there was none) and the staging path the staged inode.
func settle(live, staged string, s swap) error {
	aside := live + ".aside"
	li, si, ai := ino(live), ino(staged), ino(aside)
	switch {
	case s.LiveIno != 0 && ai == s.LiveIno: // interrupted fallback exchange
		if li == s.StagedIno && si == 0 {
			if err := os.Rename(live, staged); err != nil {
				return err
			}
		}
		if ino(live) == 0 {
			if err := os.Rename(aside, live); err != nil {
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
		if s.LiveIno != 0 && ino(live) == 0 && ai == s.LiveIno {
			return os.Rename(aside, live)
		}
	case li == 0 && s.LiveIno != 0 && si == s.LiveIno:
		if err := moveNew(staged, live); err != nil {
			return err
		}
	}
	if s.LiveIno != 0 && ino(live) != s.LiveIno {
		return fmt.Errorf("cannot put %s back: it is not where the journal expects it; the previous tree is kept under %s", live, filepath.Dir(staged))
	}
	return syncDirs(live, staged)
}
