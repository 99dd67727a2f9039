package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"rewind/backend/mounts/mounttest"
)

// sparseData is where the test's sparse files hold data: a block at the
// start, an unaligned run in the middle, a block at the end.
func sparseData(size int64) map[int64][]byte {
	return map[int64][]byte{
		0:             bytes.Repeat([]byte("A"), 4096),
		size/2 + 1234: bytes.Repeat([]byte("B"), 3000),
		size - 4096:   bytes.Repeat([]byte("C"), 4096),
	}
}

// makeSparse creates a file of size bytes holding only sparseData, and
// skips the test where the file system does not keep the holes.
func makeSparse(t *testing.T, p string, size int64) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	for off, b := range sparseData(size) {
		if _, err := f.WriteAt(b, off); err != nil {
			t.Fatal(err)
		}
	}
	if allocated(t, p) > 1<<20 {
		t.Skip("this file system does not keep holes")
	}
}

// allocated is the bytes the file at p occupies on disk.
func allocated(t *testing.T, p string) int64 {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Stat(p, &st); err != nil {
		t.Fatal(err)
	}
	return st.Blocks * 512
}

// fileSum is the SHA-256 of the file at p, read whole.
func fileSum(t *testing.T, p string) [32]byte {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.CopyBuffer(h, f, make([]byte, 1<<20)); err != nil {
		t.Fatal(err)
	}
	return [32]byte(h.Sum(nil))
}

// A 10 GiB sparse file with 11 KiB of data backs up and restores with its
// holes kept: the restore fits a 64 MiB tmpfs (dense, it could not), the
// restored file allocates little, its content is identical, and the
// manifest says how much of it is holes, for the restore's space check.
func TestSparseFileKeepsHoles(t *testing.T) {
	size := int64(sparseTestSize)
	src := t.TempDir()
	p := filepath.Join(src, "data", "disk.img")
	makeSparse(t, p, size)

	plan, err := Scan(context.Background(), src, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Sparse) != 1 || plan.Sparse[0].Path != "data/disk.img" || plan.Sparse[0].Holes < size-64<<10 {
		t.Fatalf("plan.Sparse = %+v, want data/disk.img with about 10 GiB of holes", plan.Sparse)
	}
	archive := filepath.Join(t.TempDir(), "b.tar.gz")
	out, err := os.Create(archive)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Write(context.Background(), out, src, plan, testManifest(), WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	m, err := readManifestFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	if m.HoleBytes() != plan.Sparse[0].Holes {
		t.Errorf("manifest holes = %d, want %d", m.HoleBytes(), plan.Sparse[0].Holes)
	}

	dst := filepath.Join(mountTmpfs(t, "64m"), "staging")
	if err := os.Mkdir(dst, 0o700); err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	if _, err := Extract(context.Background(), in, dst, ExtractOptions{Workers: 4, Sync: true}); err != nil {
		t.Fatalf("extract into a 64 MiB tmpfs: %v", err)
	}
	got := filepath.Join(dst, "data", "disk.img")
	if n := allocated(t, got); n > 1<<20 {
		t.Errorf("restored file allocates %d bytes, want its holes kept (about 12 KiB)", n)
	}
	if fi, err := os.Stat(got); err != nil || fi.Size() != size {
		t.Fatalf("restored size: %v %v, want %d", fi, err, size)
	}
	checkSparseContent(t, got, size)
}

// checkSparseContent checks that the file at p holds sparseData(size) and
// zeros elsewhere, reading only its data regions (holes read as zeros).
func checkSparseContent(t *testing.T, p string, size int64) {
	t.Helper()
	want := make([]byte, 0, 1<<20)
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var read int64
	for off := int64(0); off < size; {
		start, end, err := dataAfter(f, off, size)
		if err != nil {
			t.Fatal(err)
		}
		if end-start > 1<<20 {
			t.Fatalf("data region %d-%d of %s is larger than the data written", start, end, p)
		}
		got := make([]byte, end-start)
		if _, err := f.ReadAt(got, start); err != nil {
			t.Fatal(err)
		}
		want = want[:end-start]
		clear(want)
		for at, b := range sparseData(size) {
			lo, hi := max(at, start), min(at+int64(len(b)), end)
			if lo < hi {
				copy(want[lo-start:], b[lo-at:hi-at])
			}
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%s differs from the source in %d-%d", p, start, end)
		}
		read += end - start
		off = end
	}
	if read < 11096 {
		t.Errorf("%s holds %d bytes of data, want the 11096 written", p, read)
	}
}

// Files that were dense keep their zero blocks as data; and GNU tar reads a
// sparse file's archive as any other, holes as zeros.
func TestSparseOnlyWhereHolesWere(t *testing.T) {
	src := t.TempDir()
	makeSparse(t, filepath.Join(src, "sparse.img"), 8<<20)
	mustWrite(t, filepath.Join(src, "zeros.img"), string(make([]byte, 4<<20)))
	data, _ := writeArchive(t, src, WriteOptions{})
	dst := filepath.Join(t.TempDir(), "x")
	if err := os.Mkdir(dst, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := Extract(context.Background(), bytes.NewReader(data), dst, ExtractOptions{}); err != nil {
		t.Fatal(err)
	}
	if n := allocated(t, filepath.Join(dst, "zeros.img")); n < 4<<20 {
		t.Errorf("a dense file of zeros came back with %d bytes allocated, want all 4 MiB", n)
	}
	if n := allocated(t, filepath.Join(dst, "sparse.img")); n > 1<<20 {
		t.Errorf("the sparse file came back with %d bytes allocated", n)
	}
	if _, err := exec.LookPath("tar"); err != nil {
		t.Skip("tar is not installed")
	}
	file := filepath.Join(t.TempDir(), "b.tar.gz")
	if err := os.WriteFile(file, data, 0o600); err != nil {
		t.Fatal(err)
	}
	gnu := t.TempDir()
	if out, err := exec.Command("tar", "-C", gnu, "-xzf", file).CombinedOutput(); err != nil {
		t.Fatalf("tar -xzf: %v %s", err, out)
	}
	for _, name := range []string{"sparse.img", "zeros.img"} {
		if fileSum(t, filepath.Join(gnu, name)) != fileSum(t, filepath.Join(src, name)) {
			t.Errorf("GNU tar extracted %s with other content", name)
		}
	}
}

// readManifestFile reads the manifest of the archive at p.
func readManifestFile(p string) (Manifest, error) {
	f, err := os.Open(p)
	if err != nil {
		return Manifest{}, err
	}
	defer f.Close()
	return ReadManifest(f)
}

// mountTmpfs mounts a tmpfs of size (root only) and unmounts it at the end.
func mountTmpfs(t *testing.T, size string) string {
	t.Helper()
	return mounttest.TempTmpfs(t, size)
}
