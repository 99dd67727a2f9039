//go:build !linux

package durable

import "os"

// StartWriteback is a no-op where sync_file_range does not exist; the
// closing fsync does all the work.
func StartWriteback(f *os.File, off, n int64) {}
