package archive

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path"
	"time"

	"rewind/backend/durable"
)

// exParentCache is how many parent directories keep open handles. Tar streams
// list a directory's entries together, so a few suffice.
const exParentCache = 4

// exParent is an open directory of the staging tree: a Root confined to it
// (for creating entries by base name, one path component, no walk) and a
// handle for setting times on entries without following symlinks.
type exParent struct {
	dir  string
	root *os.Root
	fd   *os.File
}

// exWriter creates entries in the staging tree. Every filesystem operation
// goes through the staging os.Root or a Root opened beneath it.
type exWriter struct {
	root    *os.Root
	top     *exParent
	parents []*exParent // most recently used first
	chown   bool        // apply uid/gid (only when running as root)
	sync    bool        // the tree must be durable: see exSyncPerFile
	buf     []byte
	hash    hash.Hash
}

func newExWriter(root *os.Root, chown, sync bool) (*exWriter, error) {
	fd, err := root.Open(".")
	if err != nil {
		return nil, err
	}
	return &exWriter{
		root:  root,
		top:   &exParent{dir: ".", root: root, fd: fd},
		chown: chown,
		sync:  sync,
		buf:   make([]byte, 256<<10),
		hash:  sha256.New(),
	}, nil
}

func (w *exWriter) close() {
	_ = w.top.fd.Close()
	for _, p := range w.parents {
		p.close()
	}
	w.parents = nil
}

func (p *exParent) close() {
	_ = p.fd.Close()
	_ = p.root.Close()
}

// parent returns an open handle on dir, which must be a directory the tree
// recorded as created by this archive.
func (w *exWriter) parent(dir string) (*exParent, error) {
	if dir == "." {
		return w.top, nil
	}
	for i, p := range w.parents {
		if p.dir == dir {
			copy(w.parents[1:i+1], w.parents[:i])
			w.parents[0] = p
			return p, nil
		}
	}
	sub, err := w.root.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	fd, err := sub.Open(".")
	if err != nil {
		_ = sub.Close()
		return nil, err
	}
	p := &exParent{dir: dir, root: sub, fd: fd}
	if len(w.parents) == exParentCache {
		w.parents[len(w.parents)-1].close()
		w.parents = w.parents[:len(w.parents)-1]
	}
	w.parents = append([]*exParent{p}, w.parents...)
	return p, nil
}

// exMeta is the metadata applied to a created entry.
type exMeta struct {
	mode         os.FileMode // permission bits only
	uid, gid     int
	atime, mtime time.Time
}

// exWritebackMin is the size from which a file's writeback starts as soon
// as it is written, when the tree is synced as a whole at the end: the disk
// works while the extraction goes on, and the final syncfs waits for less.
// Smaller files are left to that syncfs, which batches them.
const exWritebackMin = 64 << 10

// file creates p (which must not exist), lets fill write its size bytes of
// content to f and h, then applies m. It returns the content's SHA-256.
func (w *exWriter) file(p string, size int64, m exMeta, fill func(f *os.File, h io.Writer) error) ([32]byte, error) {
	var sum [32]byte
	par, err := w.parent(path.Dir(p))
	if err != nil {
		return sum, err
	}
	base := path.Base(p)
	f, err := par.root.OpenFile(base, exCreateFlags, 0o600)
	if err != nil {
		return sum, err
	}
	w.hash.Reset()
	err = fill(f, w.hash)
	if err == nil && w.chown {
		err = f.Chown(m.uid, m.gid)
	}
	if err == nil {
		err = f.Chmod(m.mode)
	}
	if err == nil && w.sync {
		if exSyncPerFile {
			err = f.Sync()
		} else if size >= exWritebackMin {
			durable.StartWriteback(f, 0, 0)
		}
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = exSetTimes(par, base, m.atime, m.mtime, false)
	}
	w.hash.Sum(sum[:0])
	return sum, err
}

// fileFrom creates p with exactly size bytes from src, checking ctx and
// reporting progress between chunks. With holes (a file that was sparse
// when it was archived) its aligned zero blocks are left as holes.
func (w *exWriter) fileFrom(ctx context.Context, p string, src io.Reader, size int64, m exMeta, prog *exProgress, holes bool) ([32]byte, error) {
	return w.file(p, size, m, func(f *os.File, h io.Writer) error {
		if !holes {
			return w.copyExact(ctx, f, h, src, size, prog)
		}
		if err := w.copyExact(ctx, &holeWriter{f: f}, h, src, size, prog); err != nil {
			return err
		}
		return f.Truncate(size)
	})
}

// fileData creates p holding data.
func (w *exWriter) fileData(p string, data []byte, m exMeta) ([32]byte, error) {
	return w.file(p, int64(len(data)), m, func(f *os.File, h io.Writer) error {
		h.Write(data)
		_, err := f.Write(data)
		return err
	})
}

// copyExact copies exactly size bytes: fewer is truncation, and src (a tar
// entry reader) cannot yield more.
func (w *exWriter) copyExact(ctx context.Context, dst io.Writer, h io.Writer, src io.Reader, size int64, prog *exProgress) error {
	for remaining := size; remaining > 0; {
		if err := ctx.Err(); err != nil {
			return err
		}
		chunk := w.buf[:min(int64(len(w.buf)), remaining)]
		n, err := io.ReadFull(src, chunk)
		if n > 0 {
			h.Write(chunk[:n])
			if _, werr := dst.Write(chunk[:n]); werr != nil {
				return werr
			}
			remaining -= int64(n)
			prog.bytes(int64(n))
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return exReadErr(err)
		}
	}
	return nil
}

// dir creates p with owner-only access; its real mode and times are applied
// by the final pass, after its contents.
func (w *exWriter) dir(p string) error {
	par, err := w.parent(path.Dir(p))
	if err != nil {
		return err
	}
	return par.root.Mkdir(path.Base(p), 0o700)
}

// symlink creates p pointing at target verbatim. Nothing follows it.
func (w *exWriter) symlink(p, target string, m exMeta) error {
	par, err := w.parent(path.Dir(p))
	if err != nil {
		return err
	}
	base := path.Base(p)
	if err := par.root.Symlink(target, base); err != nil {
		return err
	}
	if w.chown {
		if err := par.root.Lchown(base, m.uid, m.gid); err != nil {
			return err
		}
	}
	return exSetTimes(par, base, m.atime, m.mtime, true)
}

// hardlink links p to target, a regular file this archive already extracted.
func (w *exWriter) hardlink(p, target string) error {
	return w.root.Link(target, p)
}

// finishDir applies a directory's owner, mode and times.
func (w *exWriter) finishDir(p string, m exMeta) error {
	if w.chown {
		if err := w.root.Lchown(p, m.uid, m.gid); err != nil {
			return err
		}
	}
	if err := w.root.Chmod(p, m.mode); err != nil {
		return err
	}
	if m.mtime.IsZero() {
		return nil
	}
	return w.root.Chtimes(p, m.atime, m.mtime)
}

// exReadErr classifies an error from the decompressor or tar reader.
func exReadErr(err error) error {
	var unsafe *UnsafeEntryError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded), errors.As(err, &unsafe):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: %v", ErrTruncated, err)
	}
	return fmt.Errorf("%w: %v", ErrCorrupt, err)
}
