package archive

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

// fileStamp is a file's size, mtime and ctime (nanoseconds; ctime is zero
// where the platform has none). A read between two equal stamps saw one
// version of the file.
type fileStamp struct {
	size, mtime, ctime int64
}

// readTries is how many times Write reads a file that fits its buffer
// before it gives up on a stable read and reports the file as changed.
const readTries = 3

// testHookRead runs after each read of a file's content, before the stat
// that checks the file did not change meanwhile. Tests replace it to
// change a file at that exact moment; it does nothing otherwise.
var testHookRead = func(rel string) {}

// sourceOpener opens the files of a scanned tree through os.Root, so a
// directory swapped for a symlink after the scan cannot lead outside the tree.
// It keeps the current parent directory open: files come in directory order,
// so each open is one openat.
type sourceOpener struct {
	top *os.Root
	dir string   // slash path of cur, relative to top
	cur *os.Root // nil, or top itself when dir is "."
}

// open opens the regular file at the slash path rel for reading.
func (o *sourceOpener) open(rel string) (*os.File, error) {
	parent := path.Dir(rel)
	if o.cur == nil || parent != o.dir {
		o.closeCur()
		if parent == "." {
			o.cur = o.top
		} else {
			r, err := o.top.OpenRoot(filepath.FromSlash(parent))
			if err != nil {
				return nil, relPathError(err, parent)
			}
			o.cur = r
		}
		o.dir = parent
	}
	f, err := o.cur.Open(path.Base(rel))
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: rel, Err: unwrapPathError(err)}
	}
	return f, nil
}

func (o *sourceOpener) closeCur() {
	if o.cur != nil && o.cur != o.top {
		o.cur.Close()
	}
	o.cur = nil
}

func (o *sourceOpener) close() {
	o.closeCur()
	o.top.Close()
}

// unwrapPathError returns the cause inside an *fs.PathError, or err itself.
func unwrapPathError(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}
