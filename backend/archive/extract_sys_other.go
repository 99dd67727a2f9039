//go:build !linux && !darwin

package archive

import "time"

// exSetTimes sets the times of par's entry base. Without utimensat, symlink
// times are left as created.
func exSetTimes(par *exParent, base string, atime, mtime time.Time, symlink bool) error {
	if mtime.IsZero() || symlink {
		return nil
	}
	if atime.IsZero() {
		atime = mtime
	}
	return par.root.Chtimes(base, atime, mtime)
}
