//go:build !linux && !darwin

package archive

import (
	"os"
	"time"
)

// exCreateFlags creates a new regular file.
const exCreateFlags = os.O_WRONLY | os.O_CREATE | os.O_EXCL

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
