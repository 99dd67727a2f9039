//go:build !unix

package archive

import "io/fs"

// fileID identifies an inode on one machine; unknown on this platform.
type fileID struct {
	dev, ino uint64
}

// ownerOf has no owner or inode data on this platform.
func ownerOf(fi fs.FileInfo) (uid, gid int, id fileID, nlink uint64, ok bool) {
	return 0, 0, fileID{}, 0, false
}

// checkReadable is left to the open in Write on this platform.
func checkReadable(name string) error { return nil }
