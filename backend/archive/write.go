package archive

import (
	"archive/tar"
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"time"
)

// WriteOptions tune Write.
type WriteOptions struct {
	Compression Compression // Gzip when empty
	Level       int         // compression level; 0 = the compression's default
	Report      Report      // optional; called at most every ~100 ms and once at the end
}

// WriteResult describes a written archive.
type WriteResult struct {
	SHA256   string  // hex SHA-256 of the compressed bytes written
	Size     int64   // compressed bytes written
	Entries  []Entry // the index, with per-file SHA-256
	Files    int64   // regular files written (hard links excluded)
	Bytes    int64   // regular file content bytes written
	TreeHash string  // TreeHash(Entries)
	// Changed lists the files whose size, mtime or ctime moved while they
	// were read, even after reading them again: their copies may mix old
	// and new content (GNU tar's "file changed as we read it"). The caller
	// must say so; such a backup is not a clean copy.
	Changed []string
}

// copyBufSize is the chunk in which file content is read, hashed and written.
const copyBufSize = 512 << 10

// Write streams root as a compressed PAX tar to w: the manifest first, then
// every entry of plan, then the index. m's FormatVersion, Compression and
// Totals are set from the build, opts and plan; a zero CreatedAt becomes now.
// Write fills in the SHA256 of plan's file entries as it goes (their only
// copy: WriteResult.Entries is plan.Entries); VerifyWriting, reading the
// plan at the same time, leaves that field alone. A file that vanished or
// changed type or size since the scan fails the write with an error naming
// it (errors.Is ErrChanged); one that changes while it is read is read
// again or listed in WriteResult.Changed. On cancellation Write
// returns ctx.Err(). On any error the bytes already written to w are garbage.
func Write(ctx context.Context, w io.Writer, root string, plan *Plan, m Manifest, opts WriteOptions) (WriteResult, error) {
	if opts.Compression == "" {
		opts.Compression = Gzip
	}
	hw := newHashingWriter(w)
	enc, err := newEncoder(hw, opts.Compression, opts.Level)
	if err != nil {
		return WriteResult{}, err
	}
	top, err := os.OpenRoot(root)
	if err != nil {
		enc.Close()
		return WriteResult{}, err
	}
	aw := &archiveWriter{
		tw:      tar.NewWriter(enc),
		src:     &sourceOpener{top: top, dir: "."},
		plan:    plan,
		entries: plan.Entries, // Write fills in each file's SHA256
		buf:     make([]byte, copyBufSize),
		fileSum: sha256.New(),
		ticker:  newProgressTicker(opts.Report, plan.Totals.Bytes, plan.Totals.Files),
	}
	m.FormatVersion, m.Compression, m.Totals, m.Sparse = FormatVersion, opts.Compression, plan.Totals, plan.Sparse
	if m.CreatedAt.IsZero() {
		m.CreatedAt = time.Now()
	}
	m.CreatedAt = m.CreatedAt.UTC()
	err = aw.run(ctx, m)
	aw.src.close()
	if err != nil {
		enc.Close() // stops the compressor's goroutines; its error adds nothing
		return WriteResult{}, err
	}
	if err := aw.tw.Close(); err != nil {
		enc.Close()
		return WriteResult{}, fmt.Errorf("write archive: %w", err)
	}
	if err := enc.Close(); err != nil {
		return WriteResult{}, fmt.Errorf("write archive: %w", err)
	}
	aw.ticker.done()
	return WriteResult{
		SHA256:   hw.sum(),
		Size:     hw.size,
		Entries:  aw.entries,
		Files:    aw.ticker.p.FilesDone,
		Bytes:    aw.ticker.p.BytesDone,
		TreeHash: TreeHash(aw.entries),
		Changed:  aw.changed,
	}, nil
}

type archiveWriter struct {
	tw      *tar.Writer
	src     *sourceOpener
	plan    *Plan
	entries []Entry
	buf     []byte
	fileSum hash.Hash
	ticker  *progressTicker
	changed []string // see WriteResult.Changed
	zeros   []byte   // a buffer of zeros for holes, made on first use
}

func (aw *archiveWriter) run(ctx context.Context, m Manifest) error {
	mj, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("encode manifest: %w", err)
	}
	if err := aw.writeMeta(ManifestName, append(mj, '\n'), m.CreatedAt); err != nil {
		return err
	}
	for i := range aw.entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := aw.writeEntry(ctx, i); err != nil {
			return err
		}
	}
	// The index is encoded twice, to count its bytes for the tar header and
	// then into the archive, instead of being held whole in memory.
	var size countingWriter
	if err := encodeIndex(&size, aw.entries); err != nil {
		return err
	}
	hdr := &tar.Header{
		Typeflag: tar.TypeReg, Name: IndexName, Mode: 0o644, Size: int64(size),
		ModTime: m.CreatedAt, Format: tar.FormatPAX,
	}
	if err := aw.tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("write archive: %s: %w", IndexName, err)
	}
	if err := encodeIndex(aw.tw, aw.entries); err != nil {
		return fmt.Errorf("write archive: %s: %w", IndexName, err)
	}
	return nil
}

// encodeIndex writes the index: one JSON Entry per line.
func encodeIndex(w io.Writer, entries []Entry) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	je := json.NewEncoder(bw)
	je.SetEscapeHTML(false)
	for _, e := range entries {
		if err := je.Encode(e.jsonValue()); err != nil {
			return fmt.Errorf("encode index: %w", err)
		}
	}
	return bw.Flush()
}

type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}

// writeMeta writes one of Rewind's own .rewind/ entries.
func (aw *archiveWriter) writeMeta(name string, data []byte, mtime time.Time) error {
	hdr := &tar.Header{
		Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: int64(len(data)),
		ModTime: mtime, Format: tar.FormatPAX,
	}
	if err := aw.tw.WriteHeader(hdr); err != nil {
		return fmt.Errorf("write archive: %s: %w", name, err)
	}
	if _, err := aw.tw.Write(data); err != nil {
		return fmt.Errorf("write archive: %s: %w", name, err)
	}
	return nil
}

// entryHeader is the tar header of an index entry (Size set for files only).
func entryHeader(e *Entry) *tar.Header {
	hdr := &tar.Header{
		Name: e.Path, Mode: int64(e.Mode & 0o7777), Uid: e.UID, Gid: e.GID,
		ModTime: e.MTime, Format: tar.FormatPAX,
	}
	switch e.Type {
	case TypeDir:
		hdr.Typeflag, hdr.Name = tar.TypeDir, e.Path+"/"
	case TypeSymlink:
		hdr.Typeflag, hdr.Linkname = tar.TypeSymlink, e.Link
	case TypeHardlink:
		hdr.Typeflag, hdr.Linkname = tar.TypeLink, e.Link
	default:
		hdr.Typeflag, hdr.Size = tar.TypeReg, e.Size
	}
	return hdr
}

func (aw *archiveWriter) writeEntry(ctx context.Context, i int) error {
	e := &aw.entries[i]
	if e.Type == TypeFile {
		return aw.writeFile(ctx, e, aw.plan.idOf(i))
	}
	if err := aw.tw.WriteHeader(entryHeader(e)); err != nil {
		return fmt.Errorf("write archive: %s: %w", e.Path, err)
	}
	return nil
}

// writeFile copies one regular file, hashing its content on the way.
func (aw *archiveWriter) writeFile(ctx context.Context, e *Entry, want fileID) error {
	f, err := aw.src.open(e.Path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s: %w: vanished after the scan", e.Path, ErrChanged)
		}
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return relPathError(err, e.Path)
	}
	if err := sameFile(e, want, fi); err != nil {
		return err
	}
	aw.fileSum.Reset()
	var changed bool
	if e.Size <= int64(len(aw.buf)) {
		changed, err = aw.copyWhole(f, fi, e)
	} else {
		changed, err = aw.copyStream(ctx, f, fi, e)
	}
	if err != nil {
		return err
	}
	if changed {
		aw.changed = append(aw.changed, e.Path)
	}
	e.SHA256 = hex.EncodeToString(aw.fileSum.Sum(nil))
	aw.ticker.add(0, 1, e.Path)
	return nil
}

// copyWhole copies a file that fits the buffer. It is read whole before any
// of it enters the stream, so a file that changed while it was read is read
// again, up to readTries times; changed reports that the last read was
// still not a stable one.
func (aw *archiveWriter) copyWhole(f *os.File, fi fs.FileInfo, e *Entry) (changed bool, err error) {
	data := aw.buf[:e.Size]
	before := stampOf(fi)
	for try := 1; ; try++ {
		n, err := f.ReadAt(data, 0)
		if n == len(data) {
			err = nil
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return false, relPathError(err, e.Path)
		}
		testHookRead(e.Path)
		now, serr := f.Stat()
		if serr != nil {
			return false, relPathError(serr, e.Path)
		}
		changed = stampOf(now) != before || now.Size() != e.Size
		if err != nil && try == readTries { // short read: it shrank
			return false, fmt.Errorf("%s: %w: shrank to %d bytes while being read, scanned %d",
				e.Path, ErrChanged, n, e.Size)
		}
		if (err == nil && !changed) || try == readTries {
			break
		}
		before = stampOf(now)
	}
	if err := aw.tw.WriteHeader(entryHeader(e)); err != nil {
		return false, fmt.Errorf("write archive: %s: %w", e.Path, err)
	}
	aw.fileSum.Write(data)
	if _, err := aw.tw.Write(data); err != nil {
		return false, fmt.Errorf("write archive: %s: %w", e.Path, err)
	}
	aw.ticker.add(e.Size, 0, e.Path)
	return changed, nil
}

// copyStream copies a file larger than the buffer chunk by chunk into the
// stream. Its entry is in the stream by the time a change shows, so it is
// not read again: changed reports that the file's size, mtime or ctime
// moved while it was read, and its copy may mix old and new content.
// The holes of a sparse file are not read: they go into the stream as the
// zeros they read as, straight from a zero buffer.
func (aw *archiveWriter) copyStream(ctx context.Context, f *os.File, fi fs.FileInfo, e *Entry) (changed bool, err error) {
	if err := aw.tw.WriteHeader(entryHeader(e)); err != nil {
		return false, fmt.Errorf("write archive: %s: %w", e.Path, err)
	}
	sparse := mayHaveHoles(fi)
	dataStart, dataEnd := int64(0), e.Size // the data region at or after off
	for off := int64(0); off < e.Size; {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		n := min(e.Size-off, int64(len(aw.buf)))
		if sparse && off >= dataEnd {
			if dataStart, dataEnd, err = dataAfter(f, off, e.Size); err != nil {
				return false, relPathError(err, e.Path)
			}
		}
		var chunk []byte
		if off < dataStart {
			chunk = aw.zeroChunk(min(n, dataStart-off))
		} else {
			chunk = aw.buf[:min(n, dataEnd-off)]
			k, err := f.ReadAt(chunk, off)
			if k < len(chunk) && (err == nil || errors.Is(err, io.EOF)) {
				return false, fmt.Errorf("%s: %w: shrank to %d bytes while being read, scanned %d",
					e.Path, ErrChanged, off+int64(k), e.Size)
			}
			if k < len(chunk) {
				return false, relPathError(err, e.Path)
			}
		}
		aw.fileSum.Write(chunk)
		if _, err := aw.tw.Write(chunk); err != nil {
			return false, fmt.Errorf("write archive: %s: %w", e.Path, err)
		}
		off += int64(len(chunk))
		aw.ticker.add(int64(len(chunk)), 0, e.Path)
	}
	testHookRead(e.Path)
	now, err := f.Stat()
	if err != nil {
		return false, relPathError(err, e.Path)
	}
	return stampOf(now) != stampOf(fi), nil
}

// zeroChunk returns n zero bytes (n at most the buffer's size).
func (aw *archiveWriter) zeroChunk(n int64) []byte {
	if aw.zeros == nil {
		aw.zeros = make([]byte, len(aw.buf))
	}
	return aw.zeros[:n]
}

// sameFile checks that the opened file is still the regular file of the scan.
func sameFile(e *Entry, want fileID, fi fs.FileInfo) error {
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s: %w: no longer a regular file", e.Path, ErrChanged)
	}
	if _, _, got, _, ok := ownerOf(fi); ok && want != (fileID{}) && got != want {
		return fmt.Errorf("%s: %w: replaced after the scan", e.Path, ErrChanged)
	}
	if fi.Size() != e.Size {
		return fmt.Errorf("%s: %w: size %d at the scan, %d now", e.Path, ErrChanged, e.Size, fi.Size())
	}
	return nil
}
