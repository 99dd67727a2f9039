//go:build !linux

package archive

import "io/fs"

// stampOf is what a read compares before and after: size and mtime here.
func stampOf(fi fs.FileInfo) fileStamp {
	return fileStamp{size: fi.Size(), mtime: fi.ModTime().UnixNano()}
}
