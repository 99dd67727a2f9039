//go:build linux || darwin

package archive

import (
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// exCreateFlags creates a new regular file. O_NONBLOCK has no effect on
// regular files, but it spares the four fcntl calls with which os.File tries
// to register every opened file with the poller; O_EXCL guarantees that what
// is opened is the regular file just created, never a FIFO.
const exCreateFlags = os.O_WRONLY | os.O_CREATE | os.O_EXCL | syscall.O_NONBLOCK

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
