//go:build linux || darwin

package archive

import (
	"time"

	"golang.org/x/sys/unix"
)

// exSetTimes sets the times of par's entry base without following a symlink
// (utimensat with AT_SYMLINK_NOFOLLOW on the parent's handle: one component,
// no walk).
func exSetTimes(par *exParent, base string, atime, mtime time.Time, _ bool) error {
	if mtime.IsZero() {
		return nil
	}
	if atime.IsZero() {
		atime = mtime
	}
	ts := []unix.Timespec{unix.NsecToTimespec(atime.UnixNano()), unix.NsecToTimespec(mtime.UnixNano())}
	return unix.UtimesNanoAt(int(par.fd.Fd()), base, ts, unix.AT_SYMLINK_NOFOLLOW)
}
