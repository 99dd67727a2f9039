package durable

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrNotRegular: a path Rewind reads as a file is a named pipe, socket or
// device. Opening one for reading could block forever (a pipe waits for a
// writer), so it is refused instead.
var ErrNotRegular = errors.New("not a regular file")

// OpenRegular opens path for reading without ever blocking in open: a named
// pipe or device is opened non-blocking, seen for what it is and refused
// with an error matching ErrNotRegular that names its type. A symlink is
// followed. On a regular file O_NONBLOCK has no effect.
func OpenRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|openNonBlocking, 0)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("open %s: %w (it is a %s)", path, ErrNotRegular, kindOf(fi.Mode()))
	}
	return f, nil
}

// ReadRegular is os.ReadFile for a path that must be a regular file.
func ReadRegular(path string) ([]byte, error) {
	f, err := OpenRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}

func kindOf(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "named pipe"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeDevice != 0:
		return "device"
	case m.IsDir():
		return "directory"
	}
	return "special file"
}
