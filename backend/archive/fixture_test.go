package archive

import (
	"bytes"
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fixtureNode is one literal entry of a test tree.
type fixtureNode struct {
	path string
	kind string // "file", "dir", "symlink", "hardlink"
	mode os.FileMode
	data string // file content, or link target
}

// longName is a path component that pushes its path past ustar's 100 bytes.
var longName = strings.Repeat("n", 110) + ".txt"

// fixtureNodes is the golden fixture: every kind of entry Rewind archives.
var fixtureNodes = []fixtureNode{
	{"app", "dir", 0o755, ""},
	{"app/compose.yaml", "file", 0o644, "services:\n  db:\n    image: postgres:16\n"},
	{"app/run.sh", "file", 0o755, "#!/bin/sh\nexec docker-compose up -d\n"},
	{"app/empty", "dir", 0o700, ""},
	{"data", "dir", 0o750, ""},
	{"data/zero.bin", "file", 0o600, ""},
	{"data/db.bin", "file", 0o640, strings.Repeat("page\x00\x01\x02", 4096)},
	{"data/hard.bin", "hardlink", 0, "data/db.bin"},
	{"data/compose-link", "symlink", 0, "../app/compose.yaml"},
	{"data/dangling", "symlink", 0, "does/not/exist"},
	{"données", "dir", 0o755, ""},
	{"données/café ☕.txt", "file", 0o644, "crème brûlée\n"},
	{"long", "dir", 0o755, ""},
	{"long/" + longName, "file", 0o644, "long name\n"},
	{"tmp", "dir", 0o1777, ""},
}

// fixtureTime is the fixed mtime of the i-th fixture node (with nanoseconds).
func fixtureTime(i int) time.Time {
	return time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC).Add(time.Duration(i) * time.Minute)
}

// writeFixture creates nodes under a new temp dir with fixed modes and mtimes.
func writeFixture(t testing.TB, nodes []fixtureNode) string {
	t.Helper()
	root := t.TempDir()
	for _, n := range nodes {
		p := filepath.Join(root, filepath.FromSlash(n.path))
		var err error
		switch n.kind {
		case "dir":
			err = os.Mkdir(p, 0o700)
		case "file":
			err = os.WriteFile(p, []byte(n.data), 0o600)
		case "symlink":
			err = os.Symlink(n.data, p)
		case "hardlink":
			err = os.Link(filepath.Join(root, filepath.FromSlash(n.data)), p)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	// Modes and times bottom-up, so a directory's mtime survives its children.
	for i := len(nodes) - 1; i >= 0; i-- {
		n := nodes[i]
		if n.kind != "dir" && n.kind != "file" {
			continue
		}
		p := filepath.Join(root, filepath.FromSlash(n.path))
		if err := os.Chmod(p, n.mode|goModeBits(n.mode)); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, fixtureTime(i), fixtureTime(i)); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// goModeBits maps the Unix sticky/setgid/setuid bits to Go's mode bits.
func goModeBits(m os.FileMode) os.FileMode {
	var b os.FileMode
	if m&0o1000 != 0 {
		b |= os.ModeSticky
	}
	if m&0o2000 != 0 {
		b |= os.ModeSetgid
	}
	if m&0o4000 != 0 {
		b |= os.ModeSetuid
	}
	return b
}

// testManifest is a fixed manifest for tests.
func testManifest() Manifest {
	return Manifest{
		Deployment: "dep-1", Project: "shop", Type: "manual", Version: "1.0.0",
		CreatedAt: time.Date(2024, 5, 6, 8, 0, 0, 0, time.UTC),
		Paths:     []string{"."}, Excludes: []string{}, DataPaths: []string{"data"},
		Services: []ServiceImage{{Service: "db", Image: "postgres:16", ImageID: "sha256:abc"}},
	}
}

// writeArchive scans root and writes an archive of it into memory.
func writeArchive(t testing.TB, root string, opts WriteOptions) ([]byte, WriteResult) {
	t.Helper()
	plan, err := Scan(context.Background(), root, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	res, err := Write(context.Background(), &buf, root, plan, testManifest(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), res
}

// writeBulkTree writes n files of mixed text and random content under root,
// deterministically, and returns their total size.
func writeBulkTree(t testing.TB, root string, n, maxSize int) int64 {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"alpha", "beta", "gamma", "delta", "{\"id\":", "\"name\":", "true,", "null}\n"}
	var total int64
	for i := range n {
		dir := filepath.Join(root, "d"+string(rune('a'+i%8)))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		size := 1 + rng.IntN(maxSize)
		b := make([]byte, 0, size+16)
		if i%4 == 3 {
			b = b[:size]
			for j := range b {
				b[j] = byte(rng.Uint32())
			}
		} else {
			for len(b) < size {
				b = append(b, words[rng.IntN(len(words))]...)
				b = append(b, ' ')
			}
			b = b[:size]
		}
		name := filepath.Join(dir, "f"+string(rune('0'+i%10))+"-"+strconv.Itoa(i)+".dat")
		if err := os.WriteFile(name, b, 0o644); err != nil {
			t.Fatal(err)
		}
		total += int64(size)
	}
	return total
}

func mustWrite(t testing.TB, name, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// hasAll reports whether s contains every part.
func hasAll(s string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
