//go:build unix

package durable

import (
	"io/fs"
	"syscall"
)

type fileOwner struct{ uid, gid int }

func ownerOf(fi fs.FileInfo) *fileOwner {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return &fileOwner{uid: int(st.Uid), gid: int(st.Gid)}
	}
	return nil
}
