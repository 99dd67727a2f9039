//go:build linux

package archive

import "golang.org/x/sys/unix"

// exSyncPerFile: Linux makes the whole staging tree durable with one syncfs.
const exSyncPerFile = false

// exSyncTree flushes the filesystem holding the staging tree: one syncfs(2)
// on the staging directory's handle instead of an fsync per file.
func exSyncTree(w *exWriter, _ []string) error {
	return unix.Syncfs(int(w.top.fd.Fd()))
}
