package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// hExtract extracts data into a fresh staging directory and returns it.
func hExtract(t *testing.T, data []byte, opts ExtractOptions) (string, ExtractResult, error) {
	t.Helper()
	staging := filepath.Join(t.TempDir(), "staging")
	if err := os.Mkdir(staging, 0o700); err != nil {
		t.Fatal(err)
	}
	res, err := Extract(context.Background(), bytes.NewReader(data), staging, opts)
	return staging, res, err
}

func TestExtractValid(t *testing.T) {
	tests := []struct {
		name    string
		zstd    bool
		workers int
	}{
		{"gzip", false, 0},
		{"zstd", true, 0},
		{"gzip 2 workers", false, 2},
		{"zstd 3 workers", true, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := hValid()
			a.zstd = tt.zstd
			var last Progress
			calls := 0
			opts := ExtractOptions{Sync: true, Workers: tt.workers, Report: func(p Progress) { last = p; calls++ }}
			staging, res, err := hExtract(t, a.build(t), opts)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			index := a.index()
			if err := hCompareTree(staging, index); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(res.Entries, index) {
				t.Errorf("Entries got %v, want %v", res.Entries, index)
			}
			m := a.manifest(index)
			if res.Files != m.Totals.Files || res.Bytes != m.Totals.Bytes || res.StrippedModes != 0 {
				t.Errorf("result got files %d bytes %d stripped %d, want %d %d 0", res.Files, res.Bytes, res.StrippedModes, m.Totals.Files, m.Totals.Bytes)
			}
			if res.Manifest.Deployment != "shop" || res.Manifest.Compression != m.Compression {
				t.Errorf("manifest got %+v", res.Manifest)
			}
			want := Progress{BytesDone: m.Totals.Bytes, BytesTotal: m.Totals.Bytes, FilesDone: m.Totals.Files, FilesTotal: m.Totals.Files}
			if calls == 0 || last != want {
				t.Errorf("final progress got %+v after %d calls, want %+v", last, calls, want)
			}
			for _, p := range []string{"app", "ro", "data/sub/deep/file.txt", "app/current", "empty.txt"} {
				fi, err := os.Lstat(filepath.Join(staging, p))
				if err != nil {
					t.Fatal(err)
				}
				if got := fi.ModTime(); !got.Equal(hTime) {
					t.Errorf("%s: mtime got %v, want %v", p, got, hTime)
				}
			}
		})
	}
}

func TestExtractFilter(t *testing.T) {
	a := hValid()
	inData := func(p string) bool { return p == "data" || strings.HasPrefix(p, "data/") }
	staging, res, err := hExtract(t, a.build(t), ExtractOptions{Filter: inData})
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	var want []Entry
	for _, e := range a.index() {
		if inData(e.Path) {
			want = append(want, e)
		}
	}
	if !reflect.DeepEqual(res.Entries, want) {
		t.Errorf("Entries got %v, want %v", res.Entries, want)
	}
	if err := hCompareTree(staging, want); err != nil {
		t.Fatal(err)
	}
	if res.Files != 2 {
		t.Errorf("Files got %d, want 2", res.Files)
	}
}

func TestExtractFilterHardlinkTargetExcluded(t *testing.T) {
	a := hValid()
	onlyLink := func(p string) bool { return p == "app" || p == "app/compose.link" }
	_, _, err := hExtract(t, a.build(t), ExtractOptions{Filter: onlyLink})
	if !errors.Is(err, ErrLinkFiltered) {
		t.Fatalf("got %v, want ErrLinkFiltered", err)
	}
}

// Special mode bits are accepted but neutralised (docs/archive-format.md, "The deployment's entries").
func TestExtractStripsSpecialModes(t *testing.T) {
	a := &hArchive{entries: []hEntry{
		hMode(hFile("suid", "#!/bin/sh\n"), 0o4755),
		hMode(hFile("sgid", "x"), 0o2755),
		hMode(hDir("tmp"), 0o1777),
		hMode(hDir("shared"), 0o2775),
	}}
	staging, res, err := hExtract(t, a.build(t), ExtractOptions{})
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if res.StrippedModes != 4 {
		t.Errorf("StrippedModes got %d, want 4", res.StrippedModes)
	}
	for name, want := range map[string]fs.FileMode{"suid": 0o755, "sgid": 0o755, "tmp": fs.ModeDir | 0o777, "shared": fs.ModeDir | 0o775} {
		fi, err := os.Lstat(filepath.Join(staging, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode(); got != want {
			t.Errorf("%s: mode got %v, want %v", name, got, want)
		}
	}
}

// Windows reserved names are ordinary names on Linux: accepted there, and
// refused by filepath.IsLocal on Windows.
func TestExtractReservedNamesOnLinux(t *testing.T) {
	if filepath.Separator != '/' {
		t.Skip("reserved names are refused on Windows")
	}
	a := &hArchive{entries: []hEntry{hFile("NUL", "n"), hFile("COM1", "c"), hDir("aux"), hFile("aux/con.txt", "x")}}
	staging, res, err := hExtract(t, a.build(t), ExtractOptions{})
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if err := hCompareTree(staging, res.Entries); err != nil {
		t.Fatal(err)
	}
}

func TestExtractOwnership(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("ownership is applied only as root")
	}
	f := hFile("owned", "x")
	f.hdr.Uid, f.hdr.Gid = 1234, 4321
	l := hSymlink("owned-link", "owned")
	l.hdr.Uid, l.hdr.Gid = 1235, 4322
	d := hDir("owned-dir")
	d.hdr.Uid, d.hdr.Gid = 1236, 4323
	staging, _, err := hExtract(t, (&hArchive{entries: []hEntry{f, l, d}}).build(t), ExtractOptions{})
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	for name, want := range map[string][2]int{"owned": {1234, 4321}, "owned-link": {1235, 4322}, "owned-dir": {1236, 4323}} {
		fi, err := os.Lstat(filepath.Join(staging, name))
		if err != nil {
			t.Fatal(err)
		}
		uid, gid, _, _, _ := ownerOf(fi)
		if got := [2]int{uid, gid}; got != want {
			t.Errorf("%s: owner got %v, want %v", name, got, want)
		}
	}
}

func TestExtractImplicitParents(t *testing.T) {
	a := &hArchive{entries: []hEntry{hFile("x/y/z.txt", "z"), hDir("x")}}
	staging, res, err := hExtract(t, a.build(t), ExtractOptions{})
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if err := hCompareTree(staging, res.Entries); err != nil {
		t.Fatal(err)
	}
}

func TestExtractStaging(t *testing.T) {
	data := hValid().build(t)
	tests := []struct {
		name  string
		setup func(dir string) error
		want  error
	}{
		{"not empty", func(dir string) error { return os.WriteFile(filepath.Join(dir, "old"), nil, 0o600) }, ErrStagingNotEmpty},
		{"missing", func(dir string) error { return os.Remove(dir) }, fs.ErrNotExist},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := tt.setup(dir); err != nil {
				t.Fatal(err)
			}
			_, err := Extract(context.Background(), bytes.NewReader(data), dir, ExtractOptions{})
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestExtractCancel(t *testing.T) {
	data := hValid().build(t)
	t.Run("before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := Extract(ctx, bytes.NewReader(data), t.TempDir(), ExtractOptions{})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
	})
	t.Run("from progress", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		// The first Report comes with the first file; nothing after it may be created.
		staging := t.TempDir()
		_, err := Extract(ctx, bytes.NewReader(data), staging, ExtractOptions{Report: func(Progress) { cancel() }})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("got %v, want context.Canceled", err)
		}
		if _, err := os.Lstat(filepath.Join(staging, "data")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("extraction went on after cancel: %v", err)
		}
	})
	for _, workers := range []int{0, 2} {
		t.Run(fmt.Sprintf("mid-stream %d workers", workers), func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			r := &hCancelReader{r: bytes.NewReader(data), after: len(data) / 2, cancel: cancel}
			_, err := Extract(ctx, r, t.TempDir(), ExtractOptions{Workers: workers})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("got %v, want context.Canceled", err)
			}
		})
	}
}

// hCancelReader cancels once more than after bytes were read.
type hCancelReader struct {
	r      io.Reader
	n      int
	after  int
	cancel context.CancelFunc
}

func (c *hCancelReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if c.n += n; c.n > c.after {
		c.cancel()
	}
	return n, err
}
