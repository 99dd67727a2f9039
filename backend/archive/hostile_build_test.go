package archive

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"
	"github.com/klauspost/pgzip"
)

// This file holds a small archive builder of its own, so that the extractor's
// tests do not depend on the package's writer: valid archives for positive
// tests, and a base that hostile cases mutate.

var hTime = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

// hEntry is one entry of a test archive.
type hEntry struct {
	hdr      tar.Header
	body     []byte
	raw      []byte // written verbatim into the tar stream instead of hdr and body
	unlisted bool   // left out of the index
	listed   *Entry // the index line of a raw entry (raw entries are unlisted by default)
}

// hArchive describes a test archive. The manifest and index are computed from
// the entries unless the edit hooks change them.
type hArchive struct {
	entries    []hEntry
	editMan    func(*Manifest)
	editIndex  func([]Entry) []Entry
	noManifest bool
	noIndex    bool
	zstd       bool
	afterIndex []hEntry            // entries written after the index
	afterEnd   []byte              // bytes after the end-of-archive marker, inside compression
	editTar    func([]byte) []byte // edits the uncompressed tar stream
	editOut    func([]byte) []byte // edits the compressed stream
}

func hFile(name, body string) hEntry {
	return hEntry{hdr: tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: int64(len(body)), ModTime: hTime}, body: []byte(body)}
}

func hDir(name string) hEntry {
	return hEntry{hdr: tar.Header{Typeflag: tar.TypeDir, Name: name, Mode: 0o755, ModTime: hTime}}
}

func hSymlink(name, target string) hEntry {
	return hEntry{hdr: tar.Header{Typeflag: tar.TypeSymlink, Name: name, Linkname: target, Mode: 0o777, ModTime: hTime}}
}

func hLink(name, target string) hEntry {
	return hEntry{hdr: tar.Header{Typeflag: tar.TypeLink, Name: name, Linkname: target, Mode: 0o644, ModTime: hTime}}
}

func hType(name string, flag byte) hEntry {
	return hEntry{hdr: tar.Header{Typeflag: flag, Name: name, Mode: 0o644, ModTime: hTime}}
}

func hMode(e hEntry, mode int64) hEntry {
	e.hdr.Mode = mode
	return e
}

// hIndexEntry is what the index says about e.
func hIndexEntry(e hEntry) Entry {
	h := e.hdr
	ie := Entry{
		Path:  strings.TrimPrefix(path.Clean(h.Name), "./"),
		Mode:  uint32(h.Mode) & 0o7777,
		MTime: h.ModTime.UTC(),
		UID:   h.Uid,
		GID:   h.Gid,
	}
	switch h.Typeflag {
	case tar.TypeReg:
		sum := sha256.Sum256(e.body)
		ie.Type, ie.Size, ie.SHA256 = TypeFile, h.Size, hex.EncodeToString(sum[:])
	case tar.TypeDir:
		ie.Type = TypeDir
	case tar.TypeSymlink:
		ie.Type, ie.Link = TypeSymlink, h.Linkname
	case tar.TypeLink:
		ie.Type, ie.Link = TypeHardlink, strings.TrimPrefix(path.Clean(h.Linkname), "./")
	default:
		ie.Type = "other"
	}
	return ie
}

// index computes the index lines of the listed entries.
func (a *hArchive) index() []Entry {
	var out []Entry
	for _, e := range a.entries {
		switch {
		case e.listed != nil:
			out = append(out, *e.listed)
		case e.raw == nil && !e.unlisted:
			out = append(out, hIndexEntry(e))
		}
	}
	if a.editIndex != nil {
		out = a.editIndex(out)
	}
	return out
}

func (a *hArchive) manifest(index []Entry) Manifest {
	m := Manifest{FormatVersion: FormatVersion, Deployment: "shop", Project: "shop", Type: "manual",
		Version: "1.0", CreatedAt: hTime, Paths: []string{"."}, Compression: Gzip}
	if a.zstd {
		m.Compression = Zstd
	}
	for _, e := range index {
		m.Totals.Entries++
		if e.Type == TypeFile {
			m.Totals.Files++
			m.Totals.Bytes += e.Size
		}
	}
	if a.editMan != nil {
		a.editMan(&m)
	}
	return m
}

// tarBytes returns the uncompressed tar stream.
func (a *hArchive) tarBytes(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	index := a.index()
	if !a.noManifest {
		mj, err := json.Marshal(a.manifest(index))
		if err != nil {
			t.Fatal(err)
		}
		hWrite(t, tw, &buf, hEntry{hdr: tar.Header{Typeflag: tar.TypeReg, Name: ManifestName, Mode: 0o644, Size: int64(len(mj)), ModTime: hTime}, body: mj})
	}
	for _, e := range a.entries {
		hWrite(t, tw, &buf, e)
	}
	if !a.noIndex {
		var ib bytes.Buffer
		for _, e := range index {
			line, err := json.Marshal(e)
			if err != nil {
				t.Fatal(err)
			}
			ib.Write(line)
			ib.WriteByte('\n')
		}
		hWrite(t, tw, &buf, hEntry{hdr: tar.Header{Typeflag: tar.TypeReg, Name: IndexName, Mode: 0o644, Size: int64(ib.Len()), ModTime: hTime}, body: ib.Bytes()})
	}
	for _, e := range a.afterIndex {
		hWrite(t, tw, &buf, e)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	buf.Write(a.afterEnd)
	out := buf.Bytes()
	if a.editTar != nil {
		out = a.editTar(out)
	}
	return out
}

func hWrite(t testing.TB, tw *tar.Writer, buf *bytes.Buffer, e hEntry) {
	t.Helper()
	if err := tw.Flush(); err != nil {
		t.Fatal(err)
	}
	if e.raw != nil {
		buf.Write(e.raw)
		return
	}
	hdr := e.hdr
	if err := tw.WriteHeader(&hdr); err != nil {
		t.Fatalf("write header %q: %v", hdr.Name, err)
	}
	if _, err := tw.Write(e.body); err != nil {
		t.Fatalf("write body %q: %v", hdr.Name, err)
	}
}

// build returns the compressed archive.
func (a *hArchive) build(t testing.TB) []byte {
	t.Helper()
	out := hCompress(a.tarBytes(t), a.zstd)
	if a.editOut != nil {
		out = a.editOut(out)
	}
	return out
}

// hCompress gzips (or zstd-compresses) data in memory; it cannot fail.
func hCompress(data []byte, useZstd bool) []byte {
	var buf bytes.Buffer
	if useZstd {
		zw, err := zstd.NewWriter(&buf, zstd.WithEncoderConcurrency(1))
		hMust(err)
		_, err = zw.Write(data)
		hMust(err)
		hMust(zw.Close())
		return buf.Bytes()
	}
	zw := pgzip.NewWriter(&buf)
	_, err := zw.Write(data)
	hMust(err)
	hMust(zw.Close())
	return buf.Bytes()
}

func hMust(err error) {
	if err != nil {
		panic(err)
	}
}

// hRaw builds a raw ustar entry (optionally preceded by a PAX header with
// records): the size field and the body are independent, so that headers can
// lie about what follows them.
func hRaw(records map[string]string, name string, flag byte, size int64, link string, body []byte) []byte {
	var out []byte
	if records != nil {
		keys := make([]string, 0, len(records))
		for k := range records {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var pax []byte
		for _, k := range keys {
			rec := " " + k + "=" + records[k] + "\n"
			n := len(rec)
			for len(fmt.Sprint(n))+len(rec) != n {
				n = len(fmt.Sprint(n)) + len(rec)
			}
			pax = append(pax, fmt.Sprint(n)+rec...)
		}
		out = append(out, hRawBlock("PaxHeaders/x", tar.TypeXHeader, int64(len(pax)), "")...)
		out = append(out, hPad(pax)...)
	}
	out = append(out, hRawBlock(name, flag, size, link)...)
	return append(out, hPad(body)...)
}

// hRawListed is a raw entry that the index lists as ie.
func hRawListed(ie Entry, records map[string]string, flag byte, size int64, body []byte) hEntry {
	return hEntry{raw: hRaw(records, ie.Path, flag, size, ie.Link, body), listed: &ie}
}

func hPad(b []byte) []byte {
	if r := len(b) % 512; r != 0 {
		b = append(bytes.Clone(b), make([]byte, 512-r)...)
	}
	return b
}

// hRawBlock is one ustar header block with a correct checksum.
func hRawBlock(name string, flag byte, size int64, link string) []byte {
	b := make([]byte, 512)
	copy(b[0:100], name)
	copy(b[100:108], "0000644\x00")
	copy(b[108:116], "0000000\x00")
	copy(b[116:124], "0000000\x00")
	if size > 0o77777777777 { // GNU base-256 for sizes ustar octal cannot hold
		b[124] = 0x80
		for i := 135; i > 124; i-- {
			b[i] = byte(size)
			size >>= 8
		}
	} else {
		copy(b[124:136], fmt.Sprintf("%011o\x00", size))
	}
	copy(b[136:148], fmt.Sprintf("%011o\x00", hTime.Unix()))
	b[156] = flag
	copy(b[157:257], link)
	copy(b[257:265], "ustar\x0000")
	copy(b[148:156], "        ")
	sum := 0
	for _, c := range b {
		sum += int(c)
	}
	copy(b[148:156], fmt.Sprintf("%06o\x00 ", sum))
	return b
}

// hValidTree is a legitimate deployment tree: directories, an empty
// directory, relative and dangling symlinks, a hard link, UTF-8 names, a
// read-only directory with contents, an empty file.
func hValidTree() []hEntry {
	big := bytes.Repeat([]byte("0123456789abcdef"), 20000) // 320 KB, more than one copy chunk
	return []hEntry{
		hDir("app"),
		hFile("app/docker-compose.yml", "services:\n  web:\n    image: shop:${APP_VERSION}\n"),
		hLink("app/compose.link", "app/docker-compose.yml"),
		hSymlink("app/current", "docker-compose.yml"),
		hFile(".env", "APP_VERSION=1.0\n"),
		hMode(hDir("data"), 0o750),
		hMode(hFile("data/db.bin", string(big)), 0o600),
		hDir("data/sub"),
		hDir("data/sub/deep"),
		hFile("data/sub/deep/file.txt", "deep\n"),
		hMode(hDir("empty"), 0o700),
		hFile("empty.txt", ""),
		hSymlink("dangling", "../outside/nowhere"),
		hSymlink("abs", "/etc/hostname"),
		hDir("données"),
		hFile("données/résumé.txt", "ça va\n"),
		hFile("日本語.txt", "こんにちは\n"),
		hMode(hDir("ro"), 0o555),
		hMode(hFile("ro/readonly.txt", "ro\n"), 0o400),
	}
}

func hValid(extra ...hEntry) *hArchive {
	return &hArchive{entries: append(hValidTree(), extra...)}
}
