//go:build unix

package archive

import (
	"io/fs"
	"syscall"
)

// fileID identifies an inode on one machine.
type fileID struct {
	dev, ino uint64
}

// ownerOf returns the uid, gid, inode identity and link count that fi's
// platform data carries. ok is false when the platform has none.
func ownerOf(fi fs.FileInfo) (uid, gid int, id fileID, nlink uint64, ok bool) {
	st, isStat := fi.Sys().(*syscall.Stat_t)
	if !isStat {
		return 0, 0, fileID{}, 0, false
	}
	return int(st.Uid), int(st.Gid), fileID{dev: uint64(st.Dev), ino: uint64(st.Ino)}, uint64(st.Nlink), true
}

// checkReadable reports whether this process may read the file at name
// (access(2) with R_OK), so the scan fails before any data is written.
func checkReadable(name string) error {
	return syscall.Access(name, 0x4)
}
