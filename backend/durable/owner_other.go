//go:build !unix

package durable

import "io/fs"

type fileOwner struct{ uid, gid int }

func ownerOf(fs.FileInfo) *fileOwner { return nil }
