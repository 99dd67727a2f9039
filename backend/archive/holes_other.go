//go:build !(linux || freebsd)

package archive

import (
	"io/fs"
	"os"
)

// mayHaveHoles is false here: files are read whole.
func mayHaveHoles(fs.FileInfo) bool { return false }

// dataAfter reports all of the file as data on this platform.
func dataAfter(_ *os.File, off, size int64) (int64, int64, error) { return off, size, nil }

// holeBytes is zero on this platform.
func holeBytes(string, int64) int64 { return 0 }
