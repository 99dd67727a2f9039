package restore

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// ErrLinkInPath is a path the restore would move that lies behind a
// symbolic link in the live tree.
var ErrLinkInPath = errors.New("a path the restore keeps lies behind a symbolic link")

// LinkError is a kept path (an exclude, a storage or state directory, or in
// app mode a data path) below a live directory that has been replaced by a
// symbolic link. A container can plant any link in its own volume; moving
// the kept path by its name would move whatever the link points to (a host
// directory) into the deployment. The restore is refused before anything
// changes.
type LinkError struct {
	Kept string // the kept path, relative to the deployment
	Link string // the component of it that is a link, relative
	To   string // where the link points
}

func (e *LinkError) Error() string {
	return fmt.Sprintf("cannot keep %s as it is: %s is a symbolic link to %q, and Rewind never moves files through a link; nothing was changed. "+
		"Replace the link with a directory (or remove it), then restore again",
		e.Kept, e.Link, e.To)
}

func (e *LinkError) Unwrap() error { return ErrLinkInPath }

// tree is a directory opened once by its path. Everything below it is
// reached from the directory's handle with openat2(RESOLVE_BENEATH |
// RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV), never by joining path strings,
// so no symbolic link and no mount point inside the tree is ever crossed
// (docs/safety.md). Relative paths use '/'.
type tree struct {
	fd   int
	path string
}

// openat2 is unix.Openat2; tests replace it to exercise the fallback for
// kernels without it (before Linux 5.6).
var openat2 = unix.Openat2

const resolveFlags = unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS | unix.RESOLVE_NO_XDEV

// openTree opens dir, an already resolved path.
func openTree(dir string) (*tree, error) {
	fd, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: dir, Err: err}
	}
	return &tree{fd: fd, path: dir}, nil
}

// sub opens the directory rel below t as a tree of its own.
func (t *tree) sub(rel string) (*tree, error) {
	fd, err := t.openDir(rel, unix.O_PATH)
	if err != nil {
		return nil, err
	}
	return &tree{fd: fd, path: t.join(rel)}, nil
}

func (t *tree) close() { unix.Close(t.fd) }

func (t *tree) join(rel string) string { return filepath.Join(t.path, filepath.FromSlash(rel)) }

// openDir opens the directory rel below t (flags: unix.O_PATH or
// unix.O_RDONLY) without following any symbolic link or crossing a mount.
func (t *tree) openDir(rel string, flags int) (int, error) {
	rel = path.Clean(rel)
	if !filepath.IsLocal(rel) && rel != "." {
		return -1, &os.PathError{Op: "open", Path: t.join(rel), Err: errors.New("path is not below the directory")}
	}
	how := &unix.OpenHow{Flags: uint64(flags | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC), Resolve: resolveFlags}
	fd, err := openat2(t.fd, rel, how)
	for i := 0; i < 16 && (errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EINTR)); i++ {
		fd, err = openat2(t.fd, rel, how) // a rename or mount raced the lookup
	}
	if errors.Is(err, unix.ENOSYS) {
		fd, err = t.openEach(rel, flags)
	}
	if err != nil {
		return -1, &os.PathError{Op: "open", Path: t.join(rel), Err: err}
	}
	return fd, nil
}

// openEach is openDir without openat2: one component at a time, each
// opened with O_NOFOLLOW and checked to be a directory on the same file
// system as its parent (by st_dev, which also tells a btrfs subvolume
// apart: on such old kernels a restore does not descend into one).
func (t *tree) openEach(rel string, flags int) (int, error) {
	if rel == "." {
		return unix.Openat(t.fd, ".", flags|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	}
	cur, err := unix.Openat(t.fd, ".", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	parts := strings.Split(rel, "/")
	for i, c := range parts {
		fl := unix.O_PATH
		if i == len(parts)-1 {
			fl = flags
		}
		var pst, st unix.Stat_t
		if err := unix.Fstat(cur, &pst); err != nil {
			unix.Close(cur)
			return -1, err
		}
		next, err := unix.Openat(cur, c, fl|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		unix.Close(cur)
		if err != nil {
			return -1, err
		}
		if err := unix.Fstat(next, &st); err != nil {
			unix.Close(next)
			return -1, err
		}
		switch {
		case st.Mode&unix.S_IFMT == unix.S_IFLNK:
			err = unix.ELOOP
		case st.Mode&unix.S_IFMT != unix.S_IFDIR:
			err = unix.ENOTDIR
		case st.Dev != pst.Dev:
			err = unix.EXDEV
		}
		if err != nil {
			unix.Close(next)
			return -1, err
		}
		cur = next
	}
	return cur, nil
}

// parent opens the directory holding rel and returns it with rel's name.
func (t *tree) parent(rel string) (int, string, error) {
	dir, name := path.Split(path.Clean(rel))
	if dir == "" {
		dir = "."
	}
	fd, err := t.openDir(dir, unix.O_PATH)
	return fd, name, err
}

// lstat stats rel without following a link, at any depth.
func (t *tree) lstat(rel string) (unix.Stat_t, error) {
	var st unix.Stat_t
	fd, name, err := t.parent(rel)
	if err != nil {
		return st, err
	}
	defer unix.Close(fd)
	if err := unix.Fstatat(fd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return st, &os.PathError{Op: "lstat", Path: t.join(rel), Err: err}
	}
	return st, nil
}

// ino is rel's inode number, 0 if it is not there.
func (t *tree) ino(rel string) uint64 {
	st, err := t.lstat(rel)
	if err != nil {
		return 0
	}
	return st.Ino
}

func (t *tree) exists(rel string) bool {
	_, err := t.lstat(rel)
	return err == nil
}

// present reports whether rel is in the live tree: every directory above
// it a real directory and rel itself there (of any type). A link among the
// directories above it is a *LinkError (kept names the path for the
// message).
func (t *tree) present(rel, kept string) (bool, error) {
	_, err := t.lstat(rel)
	if err == nil {
		return true, nil
	}
	// A link where a directory is expected fails as ELOOP or, opened with
	// O_NOFOLLOW|O_DIRECTORY, as ENOTDIR.
	if errors.Is(err, unix.ELOOP) || errors.Is(err, unix.ENOTDIR) {
		if link, to, ok := t.firstLink(rel); ok {
			return false, &LinkError{Kept: kept, Link: link, To: to}
		}
	}
	switch {
	case errors.Is(err, unix.ENOENT) || errors.Is(err, unix.ENOTDIR):
		return false, nil
	case errors.Is(err, unix.EXDEV):
		return false, fmt.Errorf("%w: a mount point lies above %s", ErrMountPoint, t.join(rel))
	}
	return false, err
}

// firstLink finds the first component of rel that is a symbolic link.
func (t *tree) firstLink(rel string) (string, string, bool) {
	parts := strings.Split(path.Clean(rel), "/")
	for i := range parts {
		p := strings.Join(parts[:i+1], "/")
		fd, name, err := t.parent(p)
		if err != nil {
			return "", "", false
		}
		var st unix.Stat_t
		err = unix.Fstatat(fd, name, &st, unix.AT_SYMLINK_NOFOLLOW)
		if err == nil && st.Mode&unix.S_IFMT == unix.S_IFLNK {
			buf := make([]byte, unix.PathMax)
			n, _ := unix.Readlinkat(fd, name, buf)
			unix.Close(fd)
			return p, string(buf[:max(n, 0)]), true
		}
		unix.Close(fd)
		if err != nil {
			return "", "", false
		}
	}
	return "", "", false
}

// readDir lists the directory rel.
func (t *tree) readDir(rel string) ([]os.DirEntry, error) {
	fd, err := t.openDir(rel, unix.O_RDONLY)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), t.join(rel))
	defer f.Close()
	return f.ReadDir(-1)
}

// mkdir creates the directory rel (its parent exists).
func (t *tree) mkdir(rel string, mode os.FileMode) error {
	fd, name, err := t.parent(rel)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if err := unix.Mkdirat(fd, name, uint32(mode.Perm())); err != nil {
		return &os.PathError{Op: "mkdir", Path: t.join(rel), Err: err}
	}
	return nil
}

// syncParent fsyncs the directory holding rel.
func (t *tree) syncParent(rel string) error {
	dir, _ := path.Split(path.Clean(rel))
	if dir == "" {
		dir = "."
	}
	fd, err := t.openDir(dir, unix.O_RDONLY)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if err := unix.Fsync(fd); err != nil {
		return fmt.Errorf("sync %s: %w", t.join(dir), err)
	}
	return nil
}

// renameAt renames rel in t to drel in dt (renameat2 with flags) through
// the handles of their parent directories.
func renameAt(t *tree, rel string, dt *tree, drel string, flags uint) error {
	sfd, sname, err := t.parent(rel)
	if err != nil {
		return err
	}
	defer unix.Close(sfd)
	dfd, dname, err := dt.parent(drel)
	if err != nil {
		return err
	}
	defer unix.Close(dfd)
	return unix.Renameat2(sfd, sname, dfd, dname, flags)
}
