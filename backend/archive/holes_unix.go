//go:build linux || freebsd

package archive

import (
	"errors"
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// mayHaveHoles reports whether fi's file allocates fewer bytes than its
// size, the cheap sign (from the stat already made) that it has holes.
// Compressed file systems give the same sign; a data map then finds none.
func mayHaveHoles(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && fi.Size() > holeBlock && st.Blocks*512 < fi.Size()
}

// dataAfter returns the data region of f that starts at or after off:
// [start, end), with start == size when only a hole is left. It uses
// SEEK_DATA and SEEK_HOLE; a file system without them reports all data.
func dataAfter(f *os.File, off, size int64) (start, end int64, err error) {
	fd := int(f.Fd())
	start, err = unix.Seek(fd, off, unix.SEEK_DATA)
	if errors.Is(err, unix.ENXIO) {
		return size, size, nil
	}
	if errors.Is(err, unix.EINVAL) || errors.Is(err, unix.EOPNOTSUPP) {
		return off, size, nil
	}
	if err != nil {
		return 0, 0, err
	}
	end, err = unix.Seek(fd, start, unix.SEEK_HOLE)
	if err != nil {
		return 0, 0, err
	}
	return start, min(end, size), nil
}

// holeBytes measures the holes of the regular file at name: its size less
// the bytes of its data regions. Zero when it cannot tell. The file is
// opened without following a symlink and without blocking, in case it was
// swapped for a FIFO since the Lstat.
func holeBytes(name string, size int64) int64 {
	f, err := os.OpenFile(name, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0)
	if err != nil {
		return 0
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return 0
	}
	var data int64
	for off := int64(0); off < size; {
		start, end, err := dataAfter(f, off, size)
		if err != nil || (start < size && end <= start) {
			return 0
		}
		data += end - start
		off = end
	}
	return size - data
}
