// Package diskspace tells how much room a file system has, what is always
// left free on it, and says sizes in words.
package diskspace

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// ErrNoSpace is the error of an operation that would not fit, or did not.
var ErrNoSpace = errors.New("not enough free space")

// Free returns the bytes available to an unprivileged writer in dir's
// file system and the file system's size.
func Free(dir string) (free, size uint64, err error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, 0, fmt.Errorf("statfs %s: %w", dir, err)
	}
	return st.Bavail * uint64(st.Bsize), st.Blocks * uint64(st.Bsize), nil
}

// Reserve is the space always left free: 5% of the file system, at most 1 GiB.
func Reserve(fsSize uint64) uint64 {
	r := fsSize / 20
	if r > 1<<30 {
		r = 1 << 30
	}
	return r
}

// Human formats a size in binary units with one decimal.
func Human(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
