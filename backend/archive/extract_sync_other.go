//go:build !linux

package archive

import "runtime"

// exSyncPerFile: without syncfs, files are fsynced as they are closed.
const exSyncPerFile = true

// exSyncTree fsyncs every directory of the staging tree, deepest first
// (files were fsynced as they were written). Windows cannot fsync a
// directory, so only the files are made durable there.
func exSyncTree(w *exWriter, dirs []string) error {
	if runtime.GOOS == "windows" {
		return nil // directories cannot be fsynced there
	}
	for i := len(dirs) - 1; i >= 0; i-- {
		f, err := w.root.Open(dirs[i])
		if err != nil {
			return err
		}
		err = f.Sync()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return w.top.fd.Sync()
}
