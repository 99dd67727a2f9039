package archive

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// exMaxWorkers caps ExtractOptions.Workers.
const exMaxWorkers = 8

// DefaultMaxEntries caps the entries of one archive whatever its manifest says.
const DefaultMaxEntries = 1 << 21

// ExtractOptions tune Extract. The zero value extracts everything.
type ExtractOptions struct {
	// Filter, when set, selects the entries to extract by canonical path
	// (slash-separated, relative, no "./"). Every entry is still validated;
	// the index comparison then covers the selected entries' contents.
	Filter func(path string) bool `json:"-"`
	// Report receives progress against the manifest's totals, about every
	// 100 ms and once at the end.
	Report Report `json:"-"`
	// Workers, when 2 or more, writes files of up to 1 MiB on that many
	// goroutines (at most 8) while decoding and validation go on; 0 or 1
	// writes everything on the calling goroutine. The decompressor always
	// reads ahead on its own goroutine.
	Workers int `json:"workers,omitempty"`
	// Sync makes the extracted tree durable before Extract returns (one
	// syncfs on Linux).
	Sync bool `json:"sync,omitempty"`
	// MaxBytes, when set, refuses an archive whose manifest declares more
	// content bytes. Content is always capped by the manifest's total: a
	// header announcing more is refused before anything is written for it.
	MaxBytes int64 `json:"maxBytes,omitempty"`
	// MaxEntries caps the entries; 0 means DefaultMaxEntries. The manifest's
	// totals always apply as well.
	MaxEntries int64 `json:"maxEntries,omitempty"`

	// probe, when set, replaces probeFolding: tests use it to stand for a
	// case-insensitive filesystem, which this system may not be able to mount.
	probe func(*os.Root) (bool, error)
}

// ExtractResult describes a successful extraction.
type ExtractResult struct {
	Manifest      Manifest `json:"manifest"`
	Entries       []Entry  `json:"entries"`       // the index, filtered
	Files         int64    `json:"files"`         // regular files written (hard links excluded)
	Bytes         int64    `json:"bytes"`         // content bytes written
	StrippedModes int      `json:"strippedModes"` // entries whose setuid/setgid/sticky bits were dropped
}

// Extract reads a Rewind archive from r and extracts it into dir, which must
// be an existing, empty directory (the fresh staging directory of a restore).
//
// Every entry is checked against the extraction policy (docs/archive-format.md, "What readers refuse")
// before anything is created for it. On Linux a name may hold any byte but
// NUL; names that differ only by case or Unicode normalisation are refused
// only when a probe finds that dir's filesystem folds them. Every filesystem
// operation goes through an os.Root opened on dir (times are set with
// utimensat on a directory handle opened through it, one name, never
// following a symlink). The manifest and index are read, never extracted;
// when the stream ends the extracted entries must match the index exactly
// (paths, types, sizes, modes, link targets, SHA-256).
//
// On error the staging directory holds a partial tree that the caller removes;
// nothing is ever written outside dir.
func Extract(ctx context.Context, r io.Reader, dir string, opts ExtractOptions) (ExtractResult, error) {
	root, err := exOpenStaging(dir)
	if err != nil {
		return ExtractResult{}, err
	}
	defer root.Close()
	probe := opts.probe
	if probe == nil {
		probe = probeFolding
	}
	names := exHostNames
	if names.fold, err = probe(root); err != nil {
		return ExtractResult{}, fmt.Errorf("staging %s: %w", dir, err)
	}
	rc, comp, err := Decompress(r)
	if err != nil {
		return ExtractResult{}, err
	}
	defer rc.Close()
	w, err := newExWriter(root, os.Geteuid() == 0, opts.Sync)
	if err != nil {
		return ExtractResult{}, fmt.Errorf("open staging: %w", err)
	}
	defer w.close()
	var pool *exPool
	if opts.Workers > 1 {
		pool, err = newExPool(ctx, root, w.chown, w.sync, min(opts.Workers, exMaxWorkers))
		if err != nil {
			return ExtractResult{}, fmt.Errorf("open staging: %w", err)
		}
		defer pool.close()
	}
	src := &exStream{ctx: ctx, r: rc, limit: exStreamSlack}
	x := &extractor{
		ctx:   ctx,
		opts:  opts,
		comp:  comp,
		src:   src,
		tr:    tar.NewReader(src),
		w:     w,
		pool:  pool,
		names: names,
		tree:  newExTree(names.fold),
		prog:  newExProgress(opts.Report),
		res:   ExtractResult{Entries: []Entry{}},
	}
	if err := x.run(); err != nil {
		return ExtractResult{}, err
	}
	return x.res, nil
}

// extractor is one Extract call's state.
type extractor struct {
	ctx      context.Context
	opts     ExtractOptions
	comp     Compression
	src      *exStream
	tr       *tar.Reader
	w        *exWriter
	pool     *exPool // nil: files are written inline
	names    exNames
	tree     *exTree
	prog     *exProgress
	res      ExtractResult
	dirs     []exDirMeta     // extracted directories, for the final pass
	byteCap  int64           // content bytes allowed
	entryCap int64           // entries allowed
	seen     int64           // content bytes announced by headers so far
	globals  int             // PAX global headers skipped
	sparse   map[string]bool // the manifest's sparse files: zero blocks become holes
}

// exMaxGlobals caps the PAX global headers (which carry nothing we use).
const exMaxGlobals = 16

type exDirMeta struct {
	path string
	meta exMeta
}

func (x *extractor) run() error {
	if err := x.readManifest(); err != nil {
		return err
	}
	for {
		if err := x.ctx.Err(); err != nil {
			return err
		}
		hdr, err := x.next()
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%w: stream ended after %d entries", ErrNoIndex, x.tree.count)
		}
		if err != nil {
			return err
		}
		if strings.TrimPrefix(hdr.Name, "./") == IndexName {
			if err := x.drain(); err != nil {
				return err
			}
			if err := x.readIndex(hdr); err != nil {
				return err
			}
			break
		}
		if err := x.entry(hdr); err != nil {
			return err
		}
	}
	if err := x.finishStream(); err != nil {
		return err
	}
	if err := x.checkComplete(); err != nil {
		return err
	}
	if err := x.finishDirs(); err != nil {
		return err
	}
	if x.opts.Sync {
		if err := exSyncTree(x.w, x.dirPaths()); err != nil {
			return fmt.Errorf("sync staging: %w", err)
		}
	}
	x.prog.done()
	return nil
}

// next returns the next header, skipping a few PAX global headers.
func (x *extractor) next() (*tar.Header, error) {
	for {
		hdr, err := x.tr.Next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, err
			}
			return nil, exReadErr(err)
		}
		if hdr.Typeflag != tar.TypeXGlobalHeader {
			return hdr, nil
		}
		x.globals++
		if x.globals > exMaxGlobals {
			return nil, exUnsafe(hdr.Name, "too many pax global headers")
		}
	}
}

// entry validates one header and, unless filtered out, creates it.
func (x *extractor) entry(hdr *tar.Header) error {
	kind, ok := exKindOf(hdr.Typeflag)
	if !ok {
		return exUnsafe(hdr.Name, exTypeName(hdr.Typeflag)+" not allowed")
	}
	if reason := exCheckPAX(hdr); reason != "" {
		return exUnsafe(hdr.Name, reason)
	}
	p, reason := x.names.clean(hdr.Name)
	if reason == "" && p == "." && kind != exDir {
		reason = "root must be a directory"
	}
	if reason != "" {
		return exUnsafe(hdr.Name, reason)
	}
	if hdr.Uid < 0 || hdr.Gid < 0 {
		return exUnsafe(hdr.Name, "negative owner")
	}
	if int64(x.tree.count) >= x.entryCap {
		return exUnsafe(hdr.Name, fmt.Sprintf("more than %d entries", x.entryCap))
	}
	if err := x.checkSize(hdr, kind); err != nil {
		return err
	}
	existing, key, reason := x.tree.admit(p, kind)
	if reason != "" {
		return exUnsafeName(hdr.Name, reason)
	}
	selected := x.opts.Filter == nil || x.opts.Filter(p)
	n := &exNode{kind: kind, mode: uint32(hdr.Mode) & 0o7777, size: hdr.Size}
	switch kind {
	case exSymlink:
		if reason := x.names.checkLinkTarget(hdr.Linkname); reason != "" {
			return exUnsafe(hdr.Name, "link target: "+reason)
		}
		n.link = hdr.Linkname
	case exHardlink:
		target, err := x.hardlinkTarget(hdr, selected)
		if err != nil {
			return err
		}
		n.link = target
	}
	if n.mode&0o7000 != 0 {
		x.res.StrippedModes++
	}
	if existing != nil { // an explicit entry for a directory created as a parent
		existing.implicit, existing.mode = false, n.mode
		n = existing
		x.tree.count++
	} else {
		x.tree.add(p, key, n)
	}
	if !selected {
		if kind == exFile {
			x.prog.bytes(hdr.Size)
			x.prog.file(p)
		}
		return nil
	}
	return x.create(p, hdr, n)
}

// checkSize refuses sizes on header-only types and content beyond the caps,
// before a byte is written.
func (x *extractor) checkSize(hdr *tar.Header, kind exKind) error {
	if kind != exFile {
		if hdr.Size != 0 {
			return exUnsafe(hdr.Name, fmt.Sprintf("%s with a size of %d", kind, hdr.Size))
		}
		return nil
	}
	if hdr.Size < 0 || hdr.Size > x.byteCap-x.seen {
		return exUnsafe(hdr.Name, fmt.Sprintf("size %d exceeds the %d bytes left of the declared total", hdr.Size, x.byteCap-x.seen))
	}
	x.seen += hdr.Size
	return nil
}

// hardlinkTarget validates a hard link's target: a local path this archive
// already extracted as a regular file.
func (x *extractor) hardlinkTarget(hdr *tar.Header, selected bool) (string, error) {
	target, reason := x.names.clean(hdr.Linkname)
	if reason != "" {
		return "", exUnsafe(hdr.Name, "hard link target: "+reason)
	}
	t, ok := x.tree.nodes[target]
	switch {
	case !ok:
		return "", exUnsafe(hdr.Name, "hard link to "+target+", which the archive has not extracted")
	case t.kind != exFile && t.kind != exHardlink:
		return "", exUnsafe(hdr.Name, "hard link to "+target+", a "+t.kind.String())
	case selected && !t.onDisk:
		return "", fmt.Errorf("%w: %s links to %s", ErrLinkFiltered, hdr.Name, target)
	}
	return target, nil
}

// create makes the validated entry p in the staging tree.
func (x *extractor) create(p string, hdr *tar.Header, n *exNode) error {
	if p != "." {
		if err := x.tree.ensureParents(x.w.root, p); err != nil {
			return fmt.Errorf("create parents of %s: %w", p, err)
		}
	}
	m := exMeta{mode: os.FileMode(n.mode & 0o777), uid: hdr.Uid, gid: hdr.Gid, atime: hdr.AccessTime, mtime: hdr.ModTime}
	var err error
	switch n.kind {
	case exFile:
		holes := x.sparse[p]
		if x.pool != nil && hdr.Size <= exPoolMaxFile && !holes {
			err = x.queueFile(p, hdr.Size, m, n)
		} else {
			n.sum, err = x.w.fileFrom(x.ctx, p, x.tr, hdr.Size, m, x.prog, holes)
			n.hashed = err == nil
		}
		if err == nil {
			x.res.Files++
			x.res.Bytes += hdr.Size
			x.prog.file(p)
		}
	case exDir:
		if !n.onDisk {
			err = x.w.dir(p)
		}
		x.dirs = append(x.dirs, exDirMeta{path: p, meta: m})
	case exSymlink:
		err = x.w.symlink(p, n.link, m)
	case exHardlink:
		if err = x.drain(); err == nil { // the target may still be queued
			err = x.w.hardlink(p, n.link)
		}
	}
	if err != nil {
		return fmt.Errorf("extract %s: %w", p, err)
	}
	n.onDisk = true
	return nil
}
