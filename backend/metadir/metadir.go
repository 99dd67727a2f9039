// Package metadir keeps what Rewind creates inside a deployment (its .rewind
// directory and the files in it) from following a link a container planted.
package metadir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// ErrLinkedPath matches a LinkError.
var ErrLinkedPath = errors.New("a symbolic link where Rewind keeps its own files")

// LinkError is a symbolic link (or another file that is not Rewind's own)
// found where Rewind creates its own files: the project's .rewind directory
// or a file in it. Following it would create or overwrite a file elsewhere.
type LinkError struct {
	Path   string
	Target string // the link's target; "" when Path is not a symbolic link
	What   string // what Path is when it is not a link, e.g. "a regular file"
}

func (e *LinkError) Error() string {
	if e.Target == "" {
		return fmt.Sprintf("%s is %s, and Rewind keeps its own files only in a real directory of its own; nothing was changed. Move it away, then try again", e.Path, e.What)
	}
	return fmt.Sprintf("%s is a symbolic link to %q, and Rewind never follows a link to write its own files; nothing was changed. Remove the link, then try again", e.Path, e.Target)
}

// Is makes errors.Is(err, ErrLinkedPath) true.
func (e *LinkError) Is(target error) bool { return target == ErrLinkedPath }

// OwnDir makes sure dir (a project's .rewind) is a real directory, creating
// it with mode 0700 when nothing is there; its parent must exist. A symbolic
// link or any other file at dir is refused with a *LinkError, and nothing is
// created. Only dir itself is checked: the project above it may be reached
// through a link.
func OwnDir(dir string) error {
	err := os.Mkdir(dir, 0o700)
	if err == nil || !errors.Is(err, fs.ErrExist) {
		if err != nil {
			return fmt.Errorf("create %s: %w", dir, err)
		}
		return nil
	}
	return CheckOwnDir(dir)
}

// CheckOwnDir returns nil when dir is a real directory, a *LinkError when it
// is a symbolic link or another kind of file, and an error matching
// fs.ErrNotExist when nothing is there. It creates nothing.
func CheckOwnDir(dir string) error {
	st, err := os.Lstat(dir)
	switch {
	case err != nil:
		return err
	case st.Mode()&fs.ModeSymlink != 0:
		to, _ := os.Readlink(dir)
		return &LinkError{Path: dir, Target: to}
	case !st.IsDir():
		return &LinkError{Path: dir, What: fileKind(st.Mode())}
	}
	return nil
}

// OpenOwnFile opens (creating it when missing) a file of Rewind's own in a
// directory OwnDir accepted, never through a symbolic link: a link, another
// kind of file, or a regular file with a second name elsewhere (a hard link,
// which truncating would overwrite) is refused with a *LinkError.
func OpenOwnFile(path string, flag int) (*os.File, error) {
	f, err := os.OpenFile(path, flag|os.O_CREATE|unix.O_NOFOLLOW|unix.O_NONBLOCK, 0o600)
	if errors.Is(err, unix.ELOOP) {
		to, _ := os.Readlink(path)
		return nil, &LinkError{Path: path, Target: to}
	}
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, &LinkError{Path: path, What: fileKind(st.Mode())}
	}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok && sys.Nlink > 1 {
		f.Close()
		return nil, &LinkError{Path: path, What: fmt.Sprintf("a file with %d names (a hard link)", sys.Nlink)}
	}
	return f, nil
}

func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m.IsRegular():
		return "a regular file"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}
