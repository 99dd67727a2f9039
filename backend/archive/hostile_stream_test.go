package archive

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// hVariant returns a data function for the valid archive edited by edit.
func hVariant(edit func(a *hArchive)) func(testing.TB, hEnv) []byte {
	return func(t testing.TB, _ hEnv) []byte {
		a := hValid()
		edit(a)
		return a.build(t)
	}
}

// hCut returns the valid archive cut to num/den of its length (minus drop).
func hCut(num, den, drop int) func(testing.TB, hEnv) []byte {
	return hVariant(func(a *hArchive) {
		a.editOut = func(b []byte) []byte { return b[:len(b)*num/den-drop] }
	})
}

// Resources (24–30).
func hostileResources() []hostileCase {
	g := "resources"
	deep := strings.Repeat("a/", 600) + "x"
	return []hostileCase{
		{name: "gzip bomb", group: g, data: func(t testing.TB, _ hEnv) []byte { return hGzipBomb(t, 64<<20, 1024) }, want: ErrUnsafeEntry},
		{name: "bomb beyond MaxBytes", group: g, data: hVariant(func(*hArchive) {}), opts: ExtractOptions{MaxBytes: 1000}, want: ErrUnsafeEntry},
		{name: "oversized zstd window", group: g, data: func(t testing.TB, _ hEnv) []byte {
			a := hValid()
			a.zstd = true
			return hZstdRaw(a.tarBytes(t), 30)
		}, want: ErrCorrupt},
		{name: "1 TiB size header", group: g, data: func(t testing.TB, _ hEnv) []byte {
			a := &hArchive{entries: []hEntry{hRawListed(Entry{Path: "huge", Type: TypeFile, Mode: 0o644, Size: 10}, nil, tar.TypeReg, 1<<40, nil)}}
			return a.build(t)
		}, want: ErrUnsafeEntry},
		{name: "1 TiB declared beyond MaxBytes", group: g, data: func(t testing.TB, _ hEnv) []byte {
			a := &hArchive{entries: []hEntry{hRawListed(Entry{Path: "huge", Type: TypeFile, Mode: 0o644, Size: 1 << 40}, nil, tar.TypeReg, 1<<40, nil)}}
			return a.build(t)
		}, opts: ExtractOptions{MaxBytes: 1 << 30}, want: ErrUnsafeEntry},
		{name: "entries beyond manifest", group: g, data: hVariant(func(a *hArchive) {
			a.editMan = func(m *Manifest) { m.Totals.Entries = 3 }
		}), want: ErrUnsafeEntry},
		{name: "entries beyond MaxEntries", group: g, data: hVariant(func(*hArchive) {}), opts: ExtractOptions{MaxEntries: 5}, want: ErrUnsafeEntry},
		{name: "manifest declares 2^40 entries", group: g, data: hVariant(func(a *hArchive) {
			a.editMan = func(m *Manifest) { m.Totals.Entries = 1 << 40 }
		}), want: ErrUnsafeEntry},
		{name: "deep nesting", group: g, data: hStatic(hFile(deep, "x")), want: ErrUnsafeEntry},
		{name: "long component", group: g, data: hStatic(hFile(strings.Repeat("n", 256), "x")), want: ErrUnsafeEntry},
		{name: "long path", group: g, data: hStatic(hFile(strings.Repeat("abcdefg/", 512)+"x", "x")), want: ErrUnsafeEntry},
		{name: "long symlink target", group: g, data: hStatic(hSymlink("l", strings.Repeat("x/", 2049))), want: ErrUnsafeEntry},
		{name: "pax header over 1 MiB", group: g, data: hStatic(hEntry{raw: hRaw(map[string]string{"comment": strings.Repeat("c", 1<<20+10)}, "f", tar.TypeReg, 0, "", nil)}), want: ErrCorrupt},
		{name: "pax header over policy", group: g, data: hStatic(hEntry{raw: hRaw(map[string]string{"comment": strings.Repeat("c", 100<<10)}, "f", tar.TypeReg, 0, "", nil)}), want: ErrUnsafeEntry},
		{name: "pax global header flood", group: g, data: func(t testing.TB, env hEnv) []byte {
			var es []hEntry
			for range 40 {
				es = append(es, hEntry{raw: hRaw(nil, "global", tar.TypeXGlobalHeader, 0, "", nil)})
			}
			return hStatic(es...)(t, env)
		}, want: ErrUnsafeEntry},
	}
}

// Damage (31–33).
func hostileDamage() []hostileCase {
	g := "damage"
	flip := func(b []byte) []byte {
		b = bytes.Clone(b)
		b[len(b)/2] ^= 0x10
		return b
	}
	return []hostileCase{
		{name: "truncated at 25%", group: g, data: hCut(1, 4, 0), want: ErrTruncated},
		{name: "truncated at 50%", group: g, data: hCut(1, 2, 0), want: ErrTruncated},
		{name: "truncated in the index", group: g, data: hCut(1, 1, 40), want: ErrTruncated},
		{name: "truncated gzip trailer", group: g, data: hCut(1, 1, 3), want: ErrTruncated},
		{name: "flipped bit in gzip data", group: g, data: hVariant(func(a *hArchive) { a.editOut = flip })},
		{name: "flipped bit in zstd data", group: g, data: hVariant(func(a *hArchive) { a.zstd = true; a.editOut = flip })},
		{name: "flipped bit in file content", group: g, data: hVariant(func(a *hArchive) {
			a.editTar = func(b []byte) []byte {
				b = bytes.Clone(b)
				b[bytes.Index(b, []byte("0123456789abcdef0123"))+7] ^= 0x01
				return b
			}
		}), want: ErrExtractMismatch},
		{name: "trailing garbage in tar", group: g, data: hVariant(func(a *hArchive) { a.afterEnd = []byte("garbage") }), want: ErrCorrupt},
		{name: "trailing garbage after gzip", group: g, data: hVariant(func(a *hArchive) {
			a.editOut = func(b []byte) []byte { return append(bytes.Clone(b), "garbage after the gzip stream"...) }
		}), want: ErrCorrupt},
		{name: "short garbage after gzip", group: g, data: hVariant(func(a *hArchive) {
			a.editOut = func(b []byte) []byte { return append(bytes.Clone(b), "x"...) }
		})},
		{name: "trailing gzip member", group: g, data: hVariant(func(a *hArchive) {
			a.editOut = func(b []byte) []byte {
				return append(bytes.Clone(b), hCompress(bytes.Repeat([]byte("x"), 600), false)...)
			}
		}), want: ErrCorrupt},
		{name: "entry after the index", group: g, data: hVariant(func(a *hArchive) { a.afterIndex = []hEntry{hFile("late", "x")} }), want: ErrCorrupt},
	}
}

// Ambiguity (34–38). Case/NFC collisions (35) are refused only on a
// filesystem that folds names, and newlines, control characters and invalid
// UTF-8 (38) are ordinary bytes on Linux: see TestHostileNamesOnLinux.
func hostileAmbiguity() []hostileCase {
	g := "ambiguity"
	smuggled := hRaw(nil, "../victim/pwned", tar.TypeReg, 1, "", []byte("x"))
	return []hostileCase{
		{name: "duplicate file", group: g, data: hStatic(hFile("f", "1"), hFile("f", "2")), want: ErrUnsafeEntry},
		{name: "duplicate dir", group: g, data: hStatic(hDir("d"), hDir("d/")), want: ErrUnsafeEntry},
		{name: "duplicate via dot slash", group: g, data: hStatic(hFile("f", "1"), hFile("./f", "2")), want: ErrUnsafeEntry},
		{name: "duplicate via double slash", group: g, data: hStatic(hFile("d/f", "1"), hFile("d//f", "2")), want: ErrUnsafeEntry},
		{name: "file as a parent", group: g, data: hStatic(hFile("f", "1"), hFile("f/x", "2")), want: ErrUnsafeEntry},
		{name: "dir after its file child", group: g, data: hStatic(hFile("d/x", "1"), hFile("d", "2")), want: ErrUnsafeEntry},
		{name: "pax ustar size desync", group: g, data: hStatic(hEntry{raw: hRaw(map[string]string{"size": "0"}, "cover", tar.TypeReg, int64(len(smuggled)), "", smuggled)}), want: ErrUnsafeEntry},
		{name: "nul in name", group: g, data: hStatic(hEntry{raw: hRaw(map[string]string{"path": "a\x00b"}, "a", tar.TypeReg, 0, "", nil)}), want: ErrCorrupt},
		// Odd bytes do not hide a parent reference or a duplicate.
		{name: "dotdot after a newline", group: g, data: hStatic(hFile("a\n/../../victim/pwned", "x")), want: ErrUnsafeEntry},
		{name: "dotdot after bad utf-8", group: g, data: hStatic(hFile("\xff/../../victim/pwned", "x")), want: ErrUnsafeEntry},
		{name: "duplicate bad utf-8 name", group: g, data: hStatic(hFile("a\xff", "1"), hFile("a\xff", "2")), want: ErrUnsafeEntry},
		{name: "nul in link target", group: g, data: hStatic(hEntry{raw: hRaw(map[string]string{"linkpath": "a\x00b"}, "l", tar.TypeSymlink, 0, "a", nil)})},
		{name: "reserved .rewind entry", group: g, data: hStatic(hFile(".rewind/evil", "x")), want: ErrUnsafeEntry},
		{name: "second manifest", group: g, data: hStatic(hFile(ManifestName, "{}")), want: ErrUnsafeEntry},
	}
}

// Binding (39–40): the manifest and index must describe exactly this stream.
// Whether the manifest names the right deployment is the caller's check.
func hostileBinding() []hostileCase {
	g := "binding"
	editIndex := func(edit func([]Entry) []Entry) func(testing.TB, hEnv) []byte {
		return hVariant(func(a *hArchive) { a.editIndex = edit })
	}
	at := func(es []Entry, p string) *Entry {
		for i := range es {
			if es[i].Path == p {
				return &es[i]
			}
		}
		panic("no entry " + p)
	}
	return []hostileCase{
		{name: "no manifest", group: g, data: hVariant(func(a *hArchive) { a.noManifest = true }), want: ErrNoManifest},
		{name: "manifest not first", group: g, data: func(t testing.TB, _ hEnv) []byte {
			a := hValid()
			tb := a.tarBytes(t)
			lead := (&hArchive{entries: []hEntry{hFile("first", "x")}, noManifest: true, noIndex: true}).tarBytes(t)
			return hCompress(append(lead[:1024], tb...), false)
		}, want: ErrNoManifest},
		{name: "manifest not json", group: g, data: hVariant(func(a *hArchive) {
			a.editTar = func(b []byte) []byte {
				return bytes.Replace(b, []byte(`{"formatVersion"`), []byte(`["formatVersion"`), 1)
			}
		}), want: ErrNoManifest},
		{name: "manifest from the future", group: g, data: hVariant(func(a *hArchive) {
			a.editMan = func(m *Manifest) { m.FormatVersion = FormatVersion + 1 }
		}), want: ErrUnsupportedVersion},
		{name: "manifest compression lies", group: g, data: hVariant(func(a *hArchive) {
			a.editMan = func(m *Manifest) { m.Compression = Zstd }
		}), want: ErrExtractMismatch},
		{name: "manifest bytes too low", group: g, data: hVariant(func(a *hArchive) {
			a.editMan = func(m *Manifest) { m.Totals.Bytes-- }
		}), want: ErrUnsafeEntry},
		{name: "manifest bytes too high", group: g, data: hVariant(func(a *hArchive) {
			a.editMan = func(m *Manifest) { m.Totals.Bytes++ }
		}), want: ErrExtractMismatch},
		{name: "manifest files wrong", group: g, data: hVariant(func(a *hArchive) {
			a.editMan = func(m *Manifest) { m.Totals.Files++ }
		}), want: ErrExtractMismatch},
		{name: "no index", group: g, data: hVariant(func(a *hArchive) { a.noIndex = true }), want: ErrNoIndex},
		{name: "index not json", group: g, data: hVariant(func(a *hArchive) {
			a.editTar = func(b []byte) []byte { return bytes.Replace(b, []byte("\n{\"path\""), []byte("\n[\"path\""), 1) }
		}), want: ErrNoIndex},
		{name: "index size", group: g, data: editIndex(func(es []Entry) []Entry { at(es, ".env").Size++; return es }), want: ErrExtractMismatch},
		{name: "index hash", group: g, data: editIndex(func(es []Entry) []Entry {
			e := at(es, ".env")
			e.SHA256 = strings.Repeat("0", 64)
			return es
		}), want: ErrExtractMismatch},
		{name: "index mode", group: g, data: editIndex(func(es []Entry) []Entry { at(es, "data").Mode = 0o777; return es }), want: ErrExtractMismatch},
		{name: "index type", group: g, data: editIndex(func(es []Entry) []Entry { at(es, "empty").Type = TypeFile; return es }), want: ErrExtractMismatch},
		{name: "index symlink target", group: g, data: editIndex(func(es []Entry) []Entry { at(es, "app/current").Link = "/etc/shadow"; return es }), want: ErrExtractMismatch},
		{name: "index extra entry", group: g, data: editIndex(func(es []Entry) []Entry {
			return append(es, Entry{Path: "ghost", Type: TypeFile, Size: 1})
		}), want: ErrExtractMismatch},
		{name: "index line twice", group: g, data: editIndex(func(es []Entry) []Entry { return append(es, es[0]) }), want: ErrExtractMismatch},
		{name: "entry missing from index", group: g, data: hVariant(func(a *hArchive) {
			a.entries = append(a.entries, hEntry{hdr: hFile("unlisted", "x").hdr, body: []byte("x"), unlisted: true})
			a.editMan = func(m *Manifest) { m.Totals.Entries++; m.Totals.Files++; m.Totals.Bytes++ }
		}), want: ErrExtractMismatch},
		{name: "plain tar", group: g, data: func(t testing.TB, _ hEnv) []byte { return hValid().tarBytes(t) }, want: ErrNotArchive},
		{name: "empty stream", group: g, data: func(testing.TB, hEnv) []byte { return nil }, want: ErrNotArchive},
		{name: "empty gzip", group: g, data: func(t testing.TB, _ hEnv) []byte { return hCompress(nil, false) }, want: ErrNoManifest},
		{name: "manifest only", group: g, data: func(t testing.TB, _ hEnv) []byte {
			mj, _ := json.Marshal(Manifest{FormatVersion: 1})
			return (&hArchive{noManifest: true, noIndex: true, entries: []hEntry{
				{hdr: tar.Header{Typeflag: tar.TypeReg, Name: ManifestName, Size: int64(len(mj))}, body: mj, unlisted: true}}}).build(t)
		}, want: ErrNoIndex},
	}
}
