//go:build !unix

package compose

import "io/fs"

type fileOwner struct{ uid, gid int }

func ownerOf(fs.FileInfo) *fileOwner { return nil }
