package archive

import (
	"archive/tar"
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
)

const (
	// exEntryOverhead bounds the stream bytes one entry may add beyond its
	// content: headers, PAX records, padding and its index line.
	exEntryOverhead = 32 << 10
	// exMaxTrailer is how many zero bytes may follow the end-of-archive marker
	// (tar record padding); anything else after it is corruption.
	exMaxTrailer = 1 << 20
)

func exMismatch(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrExtractMismatch}, args...)...)
}

// readManifest reads the first entry, which must be the manifest, and derives
// the caps that bind the rest of the stream.
func (x *extractor) readManifest() error {
	hdr, err := x.next()
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: empty archive", ErrNoManifest)
	}
	if err != nil {
		return err
	}
	if strings.TrimPrefix(hdr.Name, "./") != ManifestName || hdr.Typeflag != tar.TypeReg {
		return fmt.Errorf("%w: first entry is %q", ErrNoManifest, hdr.Name)
	}
	if hdr.Size < 0 || hdr.Size > maxExtractManifest {
		return fmt.Errorf("%w: manifest of %d bytes", ErrNoManifest, hdr.Size)
	}
	data := make([]byte, hdr.Size)
	if _, err := io.ReadFull(x.tr, data); err != nil {
		return exReadErr(err)
	}
	m := &x.res.Manifest
	if err := json.Unmarshal(data, m); err != nil {
		return fmt.Errorf("%w: %v", ErrNoManifest, err)
	}
	switch {
	case m.FormatVersion < 1:
		return fmt.Errorf("%w: format version %d", ErrNoManifest, m.FormatVersion)
	case m.FormatVersion > FormatVersion:
		return fmt.Errorf("%w: %d", ErrUnsupportedVersion, m.FormatVersion)
	case m.Totals.Entries < 0 || m.Totals.Files < 0 || m.Totals.Bytes < 0:
		return fmt.Errorf("%w: negative totals", ErrNoManifest)
	case m.Compression != "" && m.Compression != x.comp:
		return exMismatch("manifest says %s, stream is %s", m.Compression, x.comp)
	}
	if len(m.Sparse) > 0 {
		x.sparse = make(map[string]bool, len(m.Sparse))
		for _, s := range m.Sparse {
			x.sparse[s.Path] = true
		}
	}
	return x.setCaps(m.Totals)
}

// setCaps binds extraction to the manifest's totals and the options' limits.
func (x *extractor) setCaps(t Totals) error {
	maxEntries := x.opts.MaxEntries
	if maxEntries <= 0 {
		maxEntries = DefaultMaxEntries
	}
	if t.Entries > maxEntries {
		return exUnsafe("", fmt.Sprintf("manifest declares %d entries, more than the limit of %d", t.Entries, maxEntries))
	}
	if x.opts.MaxBytes > 0 && t.Bytes > x.opts.MaxBytes {
		return exUnsafe("", fmt.Sprintf("manifest declares %d bytes, more than the limit of %d", t.Bytes, x.opts.MaxBytes))
	}
	x.entryCap, x.byteCap = t.Entries, t.Bytes
	x.prog.p.BytesTotal, x.prog.p.FilesTotal = t.Bytes, t.Files
	x.src.limit = exSatAdd(x.src.n+exStreamSlack, t.Bytes, exSatMul(t.Entries+2, exEntryOverhead))
	return nil
}

func exSatAdd(vs ...int64) int64 {
	var s int64
	for _, v := range vs {
		if s > math.MaxInt64-v {
			return math.MaxInt64
		}
		s += v
	}
	return s
}

func exSatMul(a, b int64) int64 {
	if a != 0 && b > math.MaxInt64/a {
		return math.MaxInt64
	}
	return a * b
}

// readIndex reads the last entry line by line and matches each line with
// what the stream held.
func (x *extractor) readIndex(hdr *tar.Header) error {
	if hdr.Typeflag != tar.TypeReg {
		return fmt.Errorf("%w: index is a %s", ErrNoIndex, exTypeName(hdr.Typeflag))
	}
	if hdr.Size < 0 || hdr.Size > exSatMul(int64(x.tree.count)+1, maxExtractIndexLine) {
		return fmt.Errorf("%w: index of %d bytes for %d entries", ErrNoIndex, hdr.Size, x.tree.count)
	}
	br := bufio.NewReaderSize(x.tr, maxExtractIndexLine)
	for line := 1; ; line++ {
		if line%1024 == 0 {
			if err := x.ctx.Err(); err != nil {
				return err
			}
		}
		raw, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			return fmt.Errorf("%w: index line %d is longer than %d bytes", ErrNoIndex, line, maxExtractIndexLine)
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return exReadErr(err)
		}
		if text := bytes.TrimSuffix(raw, []byte("\n")); len(text) > 0 {
			e, jerr := decodeEntry(text)
			if jerr != nil {
				return fmt.Errorf("%w: index line %d: %v", ErrNoIndex, line, jerr)
			}
			if merr := x.matchIndex(e, line); merr != nil {
				return merr
			}
		}
		if err != nil { // io.EOF: the whole index was read
			return nil
		}
	}
}

// matchIndex compares one index line with the entry the stream held.
func (x *extractor) matchIndex(e Entry, line int) error {
	p, reason := x.names.clean(e.Path)
	if reason != "" {
		return exMismatch("index line %d: path %q: %s", line, e.Path, reason)
	}
	n, ok := x.tree.nodes[p]
	if !ok || n.implicit {
		return exMismatch("index lists %s, which the archive does not hold", p)
	}
	if n.indexed {
		return exMismatch("index lists %s twice", p)
	}
	n.indexed = true
	wantSize := int64(0)
	if n.kind == exFile {
		wantSize = n.size
	}
	switch {
	case e.Type != n.kind.String():
		return exMismatch("%s: archive holds a %s, index says %s", p, n.kind, e.Type)
	case e.Size != wantSize:
		return exMismatch("%s: archive holds %d bytes, index says %d", p, wantSize, e.Size)
	case e.Mode&0o7777 != n.mode:
		return exMismatch("%s: archive holds mode %o, index says %o", p, n.mode, e.Mode&0o7777)
	}
	if err := x.matchLink(p, n, e); err != nil {
		return err
	}
	if err := x.matchHash(p, n, e); err != nil {
		return err
	}
	if x.opts.Filter == nil || x.opts.Filter(p) {
		x.res.Entries = append(x.res.Entries, e)
	}
	return nil
}

func (x *extractor) matchLink(p string, n *exNode, e Entry) error {
	got := e.Link
	if n.kind == exHardlink {
		got, _ = x.names.clean(e.Link)
	}
	if got != n.link {
		return exMismatch("%s: archive links to %q, index says %q", p, n.link, e.Link)
	}
	return nil
}

func (x *extractor) matchHash(p string, n *exNode, e Entry) error {
	src := n
	switch n.kind {
	case exFile:
	case exHardlink:
		if e.SHA256 == "" {
			return nil
		}
		src = x.tree.nodes[n.link]
	default:
		if e.SHA256 != "" {
			return exMismatch("%s: index has a hash for a %s", p, n.kind)
		}
		return nil
	}
	sum, err := hex.DecodeString(e.SHA256)
	if err != nil || len(sum) != 32 {
		return exMismatch("%s: index hash %q is not a sha-256", p, e.SHA256)
	}
	if src.hashed && !bytes.Equal(sum, src.sum[:]) {
		return exMismatch("%s: content sha-256 %x, index says %s", p, src.sum, e.SHA256)
	}
	return nil
}

// finishStream requires the end-of-archive marker right after the index,
// then at most a little zero padding, then a clean end of the compressed
// stream (which checks the last gzip member's CRC).
func (x *extractor) finishStream() error {
	hdr, err := x.tr.Next()
	if err == nil {
		return fmt.Errorf("%w: entry %q after the index", ErrCorrupt, hdr.Name)
	}
	if !errors.Is(err, io.EOF) {
		return exReadErr(err)
	}
	buf := make([]byte, 32<<10)
	var total int64
	for {
		n, err := x.src.Read(buf)
		total += int64(n)
		if total > exMaxTrailer || !exAllZero(buf[:n]) {
			return fmt.Errorf("%w: data after the end of the archive", ErrCorrupt)
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return exReadErr(err)
		}
	}
}

// checkComplete requires every archive entry to be in the index and the
// index to add up to the manifest's totals.
func (x *extractor) checkComplete() error {
	var missing string
	var entries, files, size int64
	for p, n := range x.tree.nodes {
		if n.implicit {
			continue
		}
		if !n.indexed && (missing == "" || p < missing) {
			missing = p
		}
		entries++
		if n.kind == exFile {
			files++
			size += n.size
		}
	}
	t := x.res.Manifest.Totals
	switch {
	case missing != "":
		return exMismatch("%s is not in the index", missing)
	case entries != t.Entries || files != t.Files || size != t.Bytes:
		return exMismatch("archive holds %d entries, %d files, %d bytes; manifest says %d, %d, %d",
			entries, files, size, t.Entries, t.Files, t.Bytes)
	}
	return nil
}

func exAllZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
