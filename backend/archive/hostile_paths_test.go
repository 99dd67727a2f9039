package archive

import (
	"archive/tar"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// hEntries returns a data function for an archive of the given entries, with
// a computed manifest and index.
func hEntries(mk func(env hEnv) []hEntry) func(testing.TB, hEnv) []byte {
	return func(t testing.TB, env hEnv) []byte {
		return (&hArchive{entries: mk(env)}).build(t)
	}
}

func hStatic(es ...hEntry) func(testing.TB, hEnv) []byte {
	return hEntries(func(hEnv) []hEntry { return es })
}

// Paths (§7 items 1–7). Windows reserved names (7), backslashes and drive
// letters (5, 6) are ordinary bytes of one name on Linux and accepted there:
// see TestExtractReservedNamesOnLinux and TestHostileNamesOnLinux.
func hostilePaths() []hostileCase {
	g := "paths"
	return []hostileCase{
		{name: "dotdot", group: g, data: hStatic(hFile("../victim/pwned", "x")), want: ErrUnsafeEntry},
		{name: "dotdot inside", group: g, data: hStatic(hFile("a/../../victim/pwned", "x")), want: ErrUnsafeEntry},
		{name: "dotdot harmless", group: g, data: hStatic(hFile("a/../b", "x")), want: ErrUnsafeEntry},
		{name: "absolute", group: g, data: hEntries(func(env hEnv) []hEntry {
			return []hEntry{hFile(filepath.Join(env.victim, "pwned"), "x")}
		}), want: ErrUnsafeEntry},
		{name: "absolute etc", group: g, data: hStatic(hFile(hProbe, "x")), want: ErrUnsafeEntry},
		{name: "dot dotdot", group: g, data: hStatic(hFile("./../victim/pwned", "x")), want: ErrUnsafeEntry},
		{name: "unc slash", group: g, data: hStatic(hFile("//server/share/pwned", "x")), want: ErrUnsafeEntry},
		{name: "dotdot dir", group: g, data: hStatic(hDir("../victim/newdir")), want: ErrUnsafeEntry},
		{name: "dotdot symlink name", group: g, data: hStatic(hSymlink("../victim/link", "x")), want: ErrUnsafeEntry},
		{name: "root as file", group: g, data: hStatic(hEntry{raw: hRaw(nil, "./", tar.TypeReg, 0, "", nil)}), want: ErrUnsafeEntry},
	}
}

// Symlinks (8–15) and hard links (16–19).
func hostileLinks() []hostileCase {
	g := "symlinks"
	h := "hardlinks"
	return []hostileCase{
		{name: "write through outward link", group: g, data: hStatic(
			hSymlink("out", "../victim"), hFile("out/pwned", "x")), want: ErrUnsafeEntry},
		{name: "write through absolute link", group: g, data: hEntries(func(env hEnv) []hEntry {
			return []hEntry{hSymlink("abs", env.victim), hFile("abs/pwned", "x")}
		}), want: ErrUnsafeEntry},
		{name: "two-hop chain", group: g, data: hStatic(
			hSymlink("l1", "l2"), hSymlink("l2", "../victim"), hFile("l1/pwned", "x")), want: ErrUnsafeEntry},
		{name: "nested loophole", group: g, data: hStatic(
			hDir("a"), hSymlink("a/b", "../.."), hFile("a/b/victim/pwned", "x")), want: ErrUnsafeEntry},
		{name: "link then same-name file", group: g, data: hStatic(
			hSymlink("x", "../victim/file"), hFile("x", "pwned")), want: ErrUnsafeEntry},
		{name: "link then same-name dir", group: g, data: hStatic(
			hSymlink("x", "../victim"), hMode(hDir("x"), 0o777)), want: ErrUnsafeEntry},
		{name: "link chain", group: g, data: hStatic(
			hDir("d1"), hDir("d2"), hSymlink("d1/l", "../d2"), hSymlink("d2/l", "../../victim"), hFile("d1/l/l/pwned", "x")),
			want: ErrUnsafeEntry},
		{name: "inward link then write", group: g, data: hStatic(
			hDir("d"), hSymlink("l", "d"), hFile("l/x", "x")), want: ErrUnsafeEntry},
		{name: "dir through link", group: g, data: hStatic(
			hSymlink("s", "../victim"), hDir("s/newdir")), want: ErrUnsafeEntry},
		{name: "hard link through a link", group: g, data: hStatic(
			hSymlink("s", "../victim"), hLink("h", "s/file")), want: ErrUnsafeEntry},
		{name: "hard link placed through a link", group: g, data: hStatic(
			hSymlink("s", "../victim"), hFile("f", "x"), hLink("s/h", "f")), want: ErrUnsafeEntry},
		{name: "two-archive plant", group: g, data: hStatic(hFile("plant/pwned", "x")),
			setup: func(t testing.TB, env hEnv) {
				if err := os.Symlink(env.victim, filepath.Join(env.staging, "plant")); err != nil {
					t.Fatal(err)
				}
			}, want: ErrStagingNotEmpty},
		{name: "to dotdot", group: h, data: hStatic(hLink("h", "../victim/file")), want: ErrUnsafeEntry},
		{name: "to etc passwd", group: h, data: hStatic(hLink("h", "/etc/passwd")), want: ErrUnsafeEntry},
		{name: "to missing name", group: h, data: hStatic(hLink("h", "nothere")), want: ErrUnsafeEntry},
		{name: "to later file", group: h, data: hStatic(hLink("h", "f"), hFile("f", "x")), want: ErrUnsafeEntry},
		{name: "to directory", group: h, data: hStatic(hDir("d"), hLink("h", "d")), want: ErrUnsafeEntry},
		{name: "to symlink", group: h, data: hStatic(hSymlink("s", "../victim/file"), hLink("h", "s")), want: ErrUnsafeEntry},
		{name: "to itself", group: h, data: hStatic(hLink("h", "h")), want: ErrUnsafeEntry},
	}
}

// Types (20–23). Setuid/setgid/sticky are accepted but stripped: see
// TestExtractStripsSpecialModes.
func hostileTypes() []hostileCase {
	g := "types"
	raw := func(name string, flag byte, records map[string]string, size int64, body []byte) func(testing.TB, hEnv) []byte {
		return hStatic(hEntry{raw: hRaw(records, name, flag, size, "", body)})
	}
	sparse01 := map[string]string{"GNU.sparse.major": "0", "GNU.sparse.minor": "1", "GNU.sparse.size": "1024",
		"GNU.sparse.numblocks": "1", "GNU.sparse.map": "0,512"}
	sparse10 := map[string]string{"GNU.sparse.major": "1", "GNU.sparse.minor": "0", "GNU.sparse.name": "sp",
		"GNU.sparse.realsize": "1024"}
	hugeMap := map[string]string{"GNU.sparse.major": "0", "GNU.sparse.minor": "1", "GNU.sparse.size": "1099511627776",
		"GNU.sparse.numblocks": "20000", "GNU.sparse.map": hSparseMap(20000)}
	return []hostileCase{
		{name: "char device", group: g, data: hStatic(hType("tty", tar.TypeChar)), want: ErrUnsafeEntry},
		{name: "block device", group: g, data: hStatic(hType("sda", tar.TypeBlock)), want: ErrUnsafeEntry},
		{name: "fifo", group: g, data: hStatic(hType("pipe", tar.TypeFifo)), want: ErrUnsafeEntry},
		{name: "contiguous", group: g, data: raw("cont", tar.TypeCont, nil, 0, nil), want: ErrUnsafeEntry},
		{name: "unknown flag", group: g, data: raw("what", 'Z', nil, 0, nil), want: ErrUnsafeEntry},
		{name: "gnu volume header", group: g, data: raw("vol", 'V', nil, 0, nil), want: ErrUnsafeEntry},
		{name: "gnu multivolume", group: g, data: raw("mv", 'M', nil, 0, nil), want: ErrUnsafeEntry},
		{name: "gnu sparse", group: g, data: raw("sparse", tar.TypeGNUSparse, nil, 0, nil)},
		{name: "pax sparse 0.1", group: g, data: raw("sp", tar.TypeReg, sparse01, 512, make([]byte, 512)), want: ErrUnsafeEntry},
		{name: "pax sparse 1.0", group: g, data: raw("sp", tar.TypeReg, sparse10, 512, append([]byte("1\n0\n512\n"), make([]byte, 1016)...))},
		{name: "huge sparse map", group: g, data: raw("sp", tar.TypeReg, hugeMap, 0, nil)},
		{name: "dir with a size", group: g, data: hStatic(hRawListed(Entry{Path: "d", Type: TypeDir, Mode: 0o644}, nil, tar.TypeDir, 512, make([]byte, 512))),
			want: ErrUnsafeEntry},
		{name: "symlink with a size", group: g, data: hStatic(hRawListed(Entry{Path: "s", Type: TypeSymlink, Mode: 0o644, Link: "t"}, nil, tar.TypeSymlink, 512, make([]byte, 512))),
			want: ErrUnsafeEntry},
	}
}

// hSparseMap is a GNU sparse 0.1 map of n blocks.
func hSparseMap(n int) string {
	b := make([]byte, 0, n*24)
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(i)*1024, 10)
		b = append(b, ",1"...)
	}
	return string(b)
}
