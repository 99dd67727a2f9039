package restore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"rewind/backend/mounts"
)

// MountError is a mount point at or below an entry a restore would swap. A
// swap renames whole entries, and a rename would carry the mount away: the
// restored files would land on the wrong file system and removing the
// replaced tree would empty the mounted one (RELIABILITY §8). The restore
// is refused before anything changes.
type MountError struct {
	Entry  string // the swapped entry, relative to the deployment ("data")
	Mount  string // the mount point, absolute
	FSType string
}

func (e *MountError) Error() string {
	what := e.Mount + " is a mount point"
	if e.FSType != "" {
		what += " (" + e.FSType + ")"
	}
	return fmt.Sprintf("cannot restore %s: %s, and the restore replaces %s by rename, which would move the mount away; nothing was changed. "+
		"Restore with a mode that leaves %s alone, or copy the files out of the backup's archive (a tar file, see `rewind backup show`) onto the mount yourself",
		e.Entry, what, e.Entry, e.Entry)
}

func (e *MountError) Unwrap() error { return ErrMountPoint }

// CheckMounts returns a *MountError for the first mount point at or below
// any of the entries (relative paths) of the deployment at root. Entries
// that do not exist are skipped. The restore's preview and the restore
// itself call it with the entries they swap; `init` may call it with the
// data paths to warn early.
func CheckMounts(root string, entries []string) error {
	table, err := mounts.Read()
	if errors.Is(err, mounts.ErrUnsupported) {
		return nil // no mount table: the same-file-system check still applies
	}
	if err != nil {
		return err
	}
	base, err := filepath.EvalSymlinks(root)
	if err != nil {
		return err
	}
	for _, e := range entries {
		dir, ok := realDir(base, e)
		if !ok {
			continue
		}
		for _, m := range table {
			if m.Point == dir || under(m.Point, []string{dir}) {
				return &MountError{Entry: e, Mount: m.Point, FSType: m.FSType}
			}
		}
	}
	return nil
}

// checkLive is what the preview and the restore both check in the live
// tree before anything changes: no mount point inside an entry to swap, and
// no kept path behind a symbolic link.
func checkLive(root string, sc scope, targets []string) error {
	if err := CheckMounts(root, targets); err != nil {
		return err
	}
	if err := checkSameFS(root, targets); err != nil {
		return err
	}
	t, err := openTree(root)
	if err != nil {
		return err
	}
	defer t.close()
	_, err = sc.carries(t, targets)
	return err
}

// realDir joins rel to base when every component of it exists and none is
// a symbolic link (a swap moves a link itself, not what it points to).
func realDir(base, rel string) (string, bool) {
	p := base
	for _, c := range strings.Split(filepath.ToSlash(filepath.Clean(rel)), "/") {
		p = filepath.Join(p, c)
		st, err := os.Lstat(p)
		if err != nil || st.Mode()&os.ModeSymlink != 0 {
			return "", false
		}
	}
	return p, true
}

// removeTree removes a work directory of a restore, never descending into
// a mount point: if anything is mounted below dir it is left as it is and
// the error names the mount.
func removeTree(dir string) error {
	if _, err := os.Lstat(dir); err != nil {
		return nil
	}
	in, err := mounts.Within(dir)
	if err != nil && !errors.Is(err, mounts.ErrUnsupported) {
		return fmt.Errorf("%s was kept: %w", dir, err)
	}
	if len(in) > 0 {
		return fmt.Errorf("%s was kept: %s is mounted inside it; unmount it, check its files, then remove the directory", dir, in[0])
	}
	return os.RemoveAll(dir)
}
