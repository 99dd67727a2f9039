package archive

import (
	"archive/tar"
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"strings"
)

// VerifyResult describes an archive that decoded cleanly and matches its index.
type VerifyResult struct {
	SHA256   string // hex SHA-256 of the raw (compressed) stream
	Size     int64  // raw bytes read
	Manifest Manifest
	Entries  []Entry // the index
	TreeHash string  // TreeHash(Entries)
}

// Limits on what Verify holds in memory: Rewind's own entries and one record
// per archived entry (a hostile manifest cannot raise maxVerifyEntries).
const (
	maxIndexSize     = 1 << 30
	maxIndexLine     = 1 << 20
	maxVerifyEntries = 5_000_000
)

// Verify reads r to its very end: it hashes the raw stream, decodes every
// entry, hashes each file's content and checks that the manifest comes first,
// the index last, that entries and index agree exactly, and that nothing but
// padding follows. Errors match ErrNotArchive, ErrNoManifest, ErrNoIndex,
// ErrIndexMismatch, ErrTruncated, ErrCorrupt or ErrUnsupportedVersion.
func Verify(ctx context.Context, r io.Reader, report Report) (VerifyResult, error) {
	return verify(ctx, r, report, nil)
}

// VerifyWriting is Verify for a stream that Write is producing right now
// from plan (the backup's checked step, while writing, on the spare core): it decodes everything
// and checks that the entries and the index are exactly plan's, in order,
// but leaves out what the writer already does on the same bytes. Files'
// SHA-256 are not recomputed: Write hashed each file from the very buffer
// it archived, and the codec's own checksum over the whole tar stream (gzip
// CRC-32, zstd XXH64), checked at the end of the stream, proves that the
// decoded bytes are the bytes written. The raw stream is counted, not
// hashed: Write hashed it. Comparing in order with plan, it keeps nothing
// per entry, so its memory does not grow with the tree. The result holds
// Size and Manifest only.
func VerifyWriting(ctx context.Context, r io.Reader, plan *Plan) (VerifyResult, error) {
	return verify(ctx, r, nil, plan)
}

func verify(ctx context.Context, r io.Reader, report Report, plan *Plan) (VerifyResult, error) {
	writing := plan != nil
	raw := NewHashingReader(r, !writing)
	defer raw.Close()
	zr, comp, err := Decompress(raw)
	if err != nil {
		return VerifyResult{}, err
	}
	defer zr.Close()
	tr := tar.NewReader(zr)
	m, err := readManifestEntry(tr)
	if err != nil {
		return VerifyResult{}, err
	}
	if m.Compression != comp {
		return VerifyResult{}, fmt.Errorf("%w: manifest says %s, stream is %s", ErrIndexMismatch, m.Compression, comp)
	}
	v := &verifier{
		tr:         tr,
		buf:        make([]byte, copyBufSize),
		ticker:     newProgressTicker(report, m.Totals.Bytes, m.Totals.Files),
		maxEntries: min(m.Totals.Entries, maxVerifyEntries),
	}
	if writing {
		v.want = plan.Entries
	} else {
		v.seen = map[string]Entry{}
	}
	index, err := v.entries(ctx)
	if err != nil {
		return VerifyResult{}, err
	}
	if err := drainToEnd(zr, raw); err != nil {
		return VerifyResult{}, err
	}
	if writing {
		if err := v.compareWritten(plan.Totals, m.Totals); err != nil {
			return VerifyResult{}, err
		}
		return VerifyResult{Size: raw.Size(), Manifest: m}, nil
	}
	if err := v.compare(index, m.Totals); err != nil {
		return VerifyResult{}, err
	}
	v.ticker.done()
	return VerifyResult{SHA256: raw.Sum(), Size: raw.Size(), Manifest: m, Entries: index, TreeHash: TreeHash(index)}, nil
}

type verifier struct {
	tr         *tar.Reader
	buf        []byte
	seen       map[string]Entry // Verify: every entry, to compare with the index
	ticker     *progressTicker
	maxEntries int64
	// VerifyWriting: the entries written, in order; the archive's entries
	// and the index lines are compared with them one by one, and files'
	// content is decoded and counted, not hashed.
	want       []Entry
	next       int // archive entries compared so far
	indexLines int // index lines compared so far
}

// entries decodes every entry after the manifest and returns the index.
func (v *verifier) entries(ctx context.Context) ([]Entry, error) {
	var index []Entry
	haveIndex := false
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hdr, err := v.tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, classifyReadError(err)
		}
		if haveIndex {
			return nil, fmt.Errorf("%w: entry %q follows the index", ErrNoIndex, hdr.Name)
		}
		switch {
		case hdr.Name == IndexName && hdr.Typeflag == tar.TypeReg:
			haveIndex = true
			if v.want != nil {
				err = readIndex(v.tr, hdr.Size, v.maxEntries, v.indexLine)
			} else {
				index = []Entry{}
				err = readIndex(v.tr, hdr.Size, v.maxEntries, func(e Entry) error {
					index = append(index, e)
					return nil
				})
			}
			if err != nil {
				return nil, err
			}
			continue
		case hdr.Typeflag == tar.TypeXGlobalHeader:
			continue
		case hdr.Name == MetaDir+"/" || strings.HasPrefix(hdr.Name, MetaDir+"/"):
			return nil, fmt.Errorf("%w: unexpected entry %q", ErrCorrupt, hdr.Name)
		}
		if err := v.entry(ctx, hdr); err != nil {
			return nil, err
		}
	}
	if !haveIndex {
		return nil, ErrNoIndex
	}
	return index, nil
}

// written compares an archived entry with the next entry written.
func (v *verifier) written(e Entry) error {
	if v.next >= len(v.want) {
		return fmt.Errorf("%w: %s: more entries than the %d written", ErrIndexMismatch, e.Path, len(v.want))
	}
	want := &v.want[v.next]
	v.next++
	if field := metaDiff(&e, want); field != "" {
		return fmt.Errorf("%w: %s: %s differs from what was written (%s)", ErrIndexMismatch, e.Path, field, want.Path)
	}
	return nil
}

// indexLine compares an index line with the entry written at its place;
// a file's line must carry a content hash.
func (v *verifier) indexLine(e Entry) error {
	if v.indexLines >= v.next {
		return fmt.Errorf("%w: index line %d: %s: not in the archive", ErrIndexMismatch, v.indexLines+1, e.Path)
	}
	want := &v.want[v.indexLines]
	v.indexLines++
	if e.Type == TypeFile && len(e.SHA256) != 64 {
		return fmt.Errorf("%w: %s: no content hash in the index", ErrIndexMismatch, e.Path)
	}
	if field := metaDiff(&e, want); field != "" {
		return fmt.Errorf("%w: %s: %s differs", ErrIndexMismatch, e.Path, field)
	}
	return nil
}

// entry records one archived entry, hashing a file's content.
func (v *verifier) entry(ctx context.Context, hdr *tar.Header) error {
	e := Entry{
		Path: hdr.Name, Mode: uint32(hdr.Mode & 0o7777), MTime: hdr.ModTime.UTC(),
		UID: hdr.Uid, GID: hdr.Gid, Link: hdr.Linkname,
	}
	switch hdr.Typeflag {
	case tar.TypeReg:
		e.Type, e.Size = TypeFile, hdr.Size
	case tar.TypeDir:
		e.Type, e.Path = TypeDir, strings.TrimSuffix(hdr.Name, "/")
	case tar.TypeSymlink:
		e.Type = TypeSymlink
	case tar.TypeLink:
		e.Type = TypeHardlink
	default:
		return fmt.Errorf("%w: %s: unsupported entry type %q", ErrCorrupt, hdr.Name, hdr.Typeflag)
	}
	if v.want != nil {
		if e.Type == TypeFile {
			if err := v.content(ctx, e.Path, nil); err != nil {
				return err
			}
		}
		return v.written(e)
	}
	if first, ok := v.seen[e.Link]; e.Type == TypeHardlink && (!ok || first.Type != TypeFile) {
		return fmt.Errorf("%w: %s: hard link to %q, not an earlier file", ErrIndexMismatch, e.Path, e.Link)
	}
	if _, dup := v.seen[e.Path]; dup {
		return fmt.Errorf("%w: %s: duplicate entry", ErrIndexMismatch, e.Path)
	}
	if int64(len(v.seen)) >= v.maxEntries {
		return fmt.Errorf("%w: %s: more entries than the manifest's %d (limit %d)",
			ErrIndexMismatch, e.Path, v.maxEntries, maxVerifyEntries)
	}
	if e.Type == TypeFile {
		h := sha256.New()
		if err := v.content(ctx, e.Path, h); err != nil {
			return err
		}
		e.SHA256 = hex.EncodeToString(h.Sum(nil))
	}
	v.seen[e.Path] = e
	return nil
}

// content reads the current entry's content to its end, into h unless h
// is nil, counting it as progress.
func (v *verifier) content(ctx context.Context, name string, h hash.Hash) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := v.tr.Read(v.buf)
		if h != nil {
			h.Write(v.buf[:n])
		}
		v.ticker.add(int64(n), 0, name)
		if err == io.EOF {
			break
		}
		if err != nil {
			return classifyReadError(err)
		}
	}
	v.ticker.add(0, 1, name)
	return nil
}

// readIndex parses the index entry, one JSON Entry per line, and passes
// each entry to each.
func readIndex(r io.Reader, size, maxEntries int64, each func(Entry) error) error {
	if size > maxIndexSize {
		return fmt.Errorf("%w: index of %d bytes is too large", ErrNoIndex, size)
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxIndexLine)
	var lines int64
	for sc.Scan() {
		if lines >= maxEntries {
			return fmt.Errorf("%w: more lines than the manifest's %d entries", ErrIndexMismatch, maxEntries)
		}
		lines++
		e, err := decodeEntry(sc.Bytes())
		if err != nil {
			return fmt.Errorf("%w: line %d: %v", ErrNoIndex, lines, err)
		}
		if err := each(e); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if err == bufio.ErrTooLong {
			return fmt.Errorf("%w: line %d too long", ErrNoIndex, lines+1)
		}
		return classifyReadError(err)
	}
	return nil
}

// compare checks that the archived entries and the index agree exactly, and
// that both agree with the manifest's totals.
func (v *verifier) compare(index []Entry, totals Totals) error {
	if len(index) != len(v.seen) {
		return fmt.Errorf("%w: index has %d entries, archive %d", ErrIndexMismatch, len(index), len(v.seen))
	}
	var files, bytes int64
	for _, want := range index {
		got, ok := v.seen[want.Path]
		if !ok {
			return fmt.Errorf("%w: %s: in the index, not in the archive", ErrIndexMismatch, want.Path)
		}
		if field := entryDiff(got, want); field != "" {
			return fmt.Errorf("%w: %s: %s differs", ErrIndexMismatch, want.Path, field)
		}
		if got.Type == TypeFile {
			files++
			bytes += got.Size
		}
	}
	if got := (Totals{Entries: int64(len(index)), Files: files, Bytes: bytes}); got != totals {
		return fmt.Errorf("%w: archive holds %+v, manifest says %+v", ErrIndexMismatch, got, totals)
	}
	return nil
}

// compareWritten checks, for VerifyWriting, that every entry written was in
// the archive and in the index, and that the manifest's totals are plan's.
func (v *verifier) compareWritten(plan Totals, manifest Totals) error {
	if n := len(v.want); v.next != n || v.indexLines != n {
		return fmt.Errorf("%w: %d entries written, %d in the archive, %d in the index", ErrIndexMismatch, n, v.next, v.indexLines)
	}
	if manifest != plan {
		return fmt.Errorf("%w: %+v written, manifest says %+v", ErrIndexMismatch, plan, manifest)
	}
	return nil
}

// entryDiff names the first field in which got and want differ, or "".
func entryDiff(got, want Entry) string {
	if field := metaDiff(&got, &want); field != "" {
		return field
	}
	if got.SHA256 != want.SHA256 {
		return "sha256"
	}
	return ""
}

// metaDiff is entryDiff without the content hash, which it does not read:
// VerifyWriting compares with entries whose SHA256 Write is filling in on
// another goroutine.
func metaDiff(got, want *Entry) string {
	switch {
	case got.Path != want.Path:
		return "path"
	case got.Type != want.Type:
		return "type"
	case got.Size != want.Size:
		return "size"
	case got.Link != want.Link:
		return "link"
	case got.Mode != want.Mode:
		return "mode"
	case got.UID != want.UID || got.GID != want.GID:
		return "owner"
	case !got.MTime.Equal(want.MTime):
		return "mtime"
	}
	return ""
}

// drainToEnd reads the rest of the decompressed stream, which may only be
// tar padding (zeros), then the rest of the raw stream, which must be empty:
// the decompressor has reached the real end and garbage after it is caught.
func drainToEnd(zr io.Reader, raw io.Reader) error {
	buf := make([]byte, 32<<10)
	for {
		n, err := zr.Read(buf)
		for _, b := range buf[:n] {
			if b != 0 {
				return fmt.Errorf("%w: data after the end of the archive", ErrCorrupt)
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return classifyReadError(err)
		}
	}
	n, err := io.Copy(io.Discard, raw)
	if err != nil {
		return fmt.Errorf("read archive: %w", err)
	}
	if n > 0 {
		return fmt.Errorf("%w: %d bytes after the compressed stream", ErrCorrupt, n)
	}
	return nil
}
