package restore

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sys/unix"

	"rewind/backend/archive"
	"rewind/backend/deployment"
	"rewind/backend/mounts"
)

// MountError is a mount point where a restore would have to rename it or
// restore into it. A swap renames whole entries, and a rename would carry
// the mount away: the restored files would land on the wrong file system
// and removing the replaced tree would empty the mounted one
// (docs/safety.md). The restore is refused before anything changes. (A mount point in a
// path the restore keeps is fine: see swapUnits.)
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
		"Restore with a mode that leaves %s alone, or copy the files out of the backup's archive (a tar file; the backup's details name it) onto the mount yourself",
		e.Entry, what, e.Entry, e.Entry)
}

func (e *MountError) Unwrap() error { return ErrMountPoint }

// CheckMounts returns a *MountError for the first mount point at or below
// any of the entries (relative paths) of the deployment at root. Entries
// that do not exist, or lie behind a link, are skipped. The restore calls
// it with the entries it swaps, again after the containers stop; to ask
// whether a restore would be refused, use MountsRefused.
func CheckMounts(root string, entries []string) error {
	table, err := readTable()
	if err != nil {
		return err
	}
	return checkMounts(table, root, entries)
}

// readTable is the mount table, or none (and no error) where this platform
// has none: the same-file-system check still applies there.
func readTable() ([]mounts.Mount, error) {
	table, err := mounts.Read()
	if errors.Is(err, mounts.ErrUnsupported) {
		return nil, nil
	}
	return table, err
}

// checkMounts is CheckMounts with the mount table already read.
func checkMounts(table []mounts.Mount, root string, entries []string) error {
	if len(table) == 0 {
		return nil
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

// MountsRefused reports whether a restore of the deployment, as its live
// tree is now, would be refused in mode because of a mount point: the
// *MountError the preview and the restore would return, or nil. It runs
// the same check they do, so `init` and `status` can warn before a
// restore is ever needed, and never disagree with it.
func MountsRefused(dep deployment.Deployment, mode Mode) error {
	mode, err := ParseMode(string(mode))
	if err != nil {
		return err
	}
	keep, err := dep.KeptPaths()
	if err != nil {
		return err
	}
	sc := scope{mode: mode, data: dep.DataPaths, keep: keep, paths: []string{"."}}
	targets, err := sc.targets(dep.Path, nil)
	if err != nil {
		return err
	}
	t, err := openTree(dep.Path)
	if err != nil {
		return err
	}
	defer t.close()
	table, err := readTable()
	if err != nil {
		return err
	}
	_, _, err = sc.swapUnits(t, table, targets, nil)
	return err
}

// checkLive is what the preview and the restore both check in the live
// tree before anything changes, and the entries to swap that it settles
// on: no mount point inside an entry to swap (see swapUnits), and no kept
// path behind a symbolic link.
func checkLive(root string, sc scope, targets []string, entries []archive.Entry) (units, kept []string, err error) {
	t, err := openTree(root)
	if err != nil {
		return nil, nil, err
	}
	defer t.close()
	table, err := readTable()
	if err != nil {
		return nil, nil, err
	}
	units, kept, err = sc.swapUnits(t, table, targets, entries)
	if err != nil {
		return nil, nil, err
	}
	if err := checkMounts(table, root, units); err != nil {
		return nil, nil, err
	}
	if err := checkSameFS(root, units); err != nil {
		return nil, nil, err
	}
	if _, err = sc.carries(t, units); err != nil {
		return nil, nil, err
	}
	return units, kept, nil
}

// swapUnits returns the entries to swap for the top-level targets. A
// target with no mount point inside is swapped whole. One whose mount
// points all lie in paths the restore leaves alone (kept paths, and
// entries outside the mode's scope) is descended into: those paths stay
// where they are, mount and all, and the entries beside them are swapped
// one by one. A mount point the restore would have to rename or restore
// into is a *MountError. kept are the mount points (relative) inside the
// targets, all left where they are. table is the mount table (none: every
// target is swapped whole).
func (s scope) swapUnits(root *tree, table []mounts.Mount, targets []string, entries []archive.Entry) (units, kept []string, err error) {
	kept = []string{}
	if len(table) == 0 {
		return targets, kept, nil
	}
	base, err := filepath.EvalSymlinks(root.path)
	if err != nil {
		return nil, nil, err
	}
	var inside []string // mount points below the deployment, relative
	fstype := map[string]string{}
	for _, m := range table {
		if rel, err := filepath.Rel(base, m.Point); err == nil && filepath.IsLocal(rel) {
			rel = filepath.ToSlash(rel)
			inside = append(inside, rel)
			fstype[rel] = m.FSType
		}
	}
	if len(inside) == 0 {
		return targets, kept, nil
	}
	staged := map[string][]string{} // archive children by directory
	for _, e := range entries {
		dir, name := path.Split(e.Path)
		dir = strings.TrimSuffix(dir, "/")
		if dir == "" {
			dir = "."
		}
		staged[dir] = append(staged[dir], name)
	}
	var out []string
	var visit func(top, p string) error
	visit = func(top, p string) error {
		holds := false
		for _, m := range inside {
			if m == p {
				return &MountError{Entry: top, Mount: filepath.Join(base, filepath.FromSlash(m)), FSType: fstype[m]}
			}
			holds = holds || strings.HasPrefix(m, p+"/")
		}
		st, err := root.lstat(p)
		if !holds || err != nil || st.Mode&unix.S_IFMT != unix.S_IFDIR {
			out = append(out, p)
			return nil
		}
		names := append([]string{}, staged[p]...)
		live, err := root.readDir(p)
		if err != nil {
			return err
		}
		for _, d := range live {
			names = append(names, d.Name())
		}
		slices.Sort(names)
		for _, n := range slices.Compact(names) {
			c := path.Join(p, n)
			if c == archive.MetaDir || under(c, s.outside()) || !(s.in(c) || above(c, s.roots())) {
				continue // left where it is
			}
			if err := visit(top, c); err != nil {
				return err
			}
		}
		return nil
	}
	for _, t := range targets {
		if err := visit(t, t); err != nil {
			return nil, nil, err
		}
	}
	for _, m := range inside {
		if under(m, targets) {
			kept = append(kept, m)
		}
	}
	slices.Sort(kept)
	return out, slices.Compact(kept), nil
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
