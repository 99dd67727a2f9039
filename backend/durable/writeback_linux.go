//go:build linux

package durable

import (
	"os"

	"golang.org/x/sys/unix"
)

// StartWriteback asks the kernel to start writing f's dirty pages in
// [off, off+n) (n = 0: to the end of the file) to disk and returns without
// waiting (sync_file_range with SYNC_FILE_RANGE_WRITE). It is only a hint
// that spreads the disk work over a long write, so that the closing fsync
// or syncfs waits for the tail alone; it makes nothing durable by itself,
// and a failure here is left for that fsync.
func StartWriteback(f *os.File, off, n int64) {
	rc, err := f.SyscallConn()
	if err != nil {
		return
	}
	rc.Control(func(fd uintptr) {
		unix.SyncFileRange(int(fd), off, n, unix.SYNC_FILE_RANGE_WRITE)
	})
}
