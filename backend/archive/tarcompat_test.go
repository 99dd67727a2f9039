package archive

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// TestGNUTarExtracts writes archives with Rewind and extracts them with the
// system's GNU tar: the result must equal the source in content, modes,
// owners, mtimes, symlinks, hard links and empty directories, with .rewind/
// the only addition.
func TestGNUTarExtracts(t *testing.T) {
	if _, err := exec.LookPath("tar"); err != nil {
		t.Skip("tar is not installed")
	}
	src := writeFixture(t, fixtureNodes)
	// Over 2 zstd frames and 10 pgzip blocks of content, so that a reader
	// that stopped after the first frame or block would be caught.
	writeBulkTree(t, src, 40, 512<<10)
	tests := []struct {
		comp Compression
		args []string
		need string // extra program the extraction needs
	}{
		{Gzip, []string{"-p", "-xzf"}, ""},
		{Zstd, []string{"-p", "--zstd", "-xf"}, "zstd"},
	}
	for _, tt := range tests {
		t.Run(string(tt.comp), func(t *testing.T) {
			if tt.need != "" {
				if _, err := exec.LookPath(tt.need); err != nil {
					t.Skipf("%s is not installed", tt.need)
				}
			}
			data, res := writeArchive(t, src, WriteOptions{Compression: tt.comp})
			file := filepath.Join(t.TempDir(), "backup"+tt.comp.Ext())
			if err := os.WriteFile(file, data, 0o600); err != nil {
				t.Fatal(err)
			}
			dst := t.TempDir()
			cmd := exec.Command("tar", append(tt.args, file, "-C", dst)...)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("tar: %v\n%s", err, out)
			}
			compareExtracted(t, src, dst, res)
		})
	}
}

// compareExtracted checks that dst, extracted by another tool, equals src.
func compareExtracted(t *testing.T, src, dst string, res WriteResult) {
	t.Helper()
	ctx := context.Background()
	srcHash, srcEntries, err := hashTree(ctx, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	dstHash, dstEntries, err := hashTree(ctx, dst, nil)
	if err != nil {
		t.Fatal(err)
	}
	if dstHash != srcHash {
		t.Errorf("tree hash of the extraction = %s, of the source %s", dstHash, srcHash)
	}
	if len(dstEntries) != len(srcEntries) {
		t.Fatalf("extraction has %d entries, source %d", len(dstEntries), len(srcEntries))
	}
	if res.TreeHash != srcHash {
		t.Errorf("archive tree hash = %s, want the source's %s", res.TreeHash, srcHash)
	}
	for i, e := range dstEntries {
		want := srcEntries[i]
		if field := entryDiff(e, want); field != "" && field != "mtime" {
			t.Errorf("%s: %s differs: got %+v, want %+v", e.Path, field, e, want)
		}
		if e.Type != TypeSymlink && !e.MTime.Equal(want.MTime) {
			t.Errorf("%s: mtime %v, want %v", e.Path, e.MTime, want.MTime)
		}
	}
	gotTop, wantTop := topNames(t, dst), topNames(t, src)
	if want := slices.Sorted(slices.Values(append(wantTop, MetaDir))); !slices.Equal(gotTop, want) {
		t.Errorf("top-level names = %q, want %q", gotTop, want)
	}
	a, errA := os.Stat(filepath.Join(dst, "data", "db.bin"))
	b, errB := os.Stat(filepath.Join(dst, "data", "hard.bin"))
	if errA != nil || errB != nil || !os.SameFile(a, b) {
		t.Errorf("data/hard.bin is not a hard link of data/db.bin (%v, %v)", errA, errB)
	}
}

func topNames(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	return names
}
