package archive

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteFailsOnChangedFiles changes the tree between Scan and Write: the
// backup must fail and name the file, never archive something else. This is
// also the unreadable-data path that works when the tests run as root.
func TestWriteFailsOnChangedFiles(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, root string)
		want   error // nil: any error
		path   string
	}{
		{"vanished", func(t *testing.T, root string) {
			mustRemove(t, filepath.Join(root, "data", "db.bin"))
		}, ErrChanged, "data/db.bin"},
		{"grew", func(t *testing.T, root string) {
			mustWrite(t, filepath.Join(root, "app", "run.sh"), "#!/bin/sh\necho a different, longer script\n")
		}, ErrChanged, "app/run.sh"},
		{"replaced by a directory", func(t *testing.T, root string) {
			mustRemove(t, filepath.Join(root, "app", "compose.yaml"))
			mustWrite(t, filepath.Join(root, "app", "compose.yaml", "x"), "x")
		}, ErrChanged, "app/compose.yaml"},
		{"replaced by a symlink", func(t *testing.T, root string) {
			p := filepath.Join(root, "app", "compose.yaml")
			mustRemove(t, p)
			mustSymlink(t, "run.sh", p)
		}, ErrChanged, "app/compose.yaml"},
		{"parent swapped for an outward symlink", func(t *testing.T, root string) {
			outside := t.TempDir()
			mustWrite(t, filepath.Join(outside, "db.bin"), "outside data")
			mustRemove(t, filepath.Join(root, "data"))
			mustSymlink(t, outside, filepath.Join(root, "data"))
		}, nil, "data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := writeFixture(t, fixtureNodes)
			plan, err := Scan(context.Background(), root, nil)
			if err != nil {
				t.Fatal(err)
			}
			tt.change(t, root)
			_, err = Write(context.Background(), io.Discard, root, plan, testManifest(), WriteOptions{})
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) || !hasAll(err.Error(), tt.path) {
				t.Errorf("Write error = %v, want %v naming %s", err, tt.want, tt.path)
			}
		})
	}
}

func TestWriteCancelStopsPromptly(t *testing.T) {
	root := t.TempDir()
	writeBulkTree(t, root, 60, 256<<10)
	plan, err := Scan(context.Background(), root, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var calls int
	var out bytes.Buffer
	_, err = Write(ctx, &out, root, plan, testManifest(), WriteOptions{Report: func(p Progress) {
		calls++
		cancel()
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Write error = %v, want context.Canceled", err)
	}
	if calls != 1 {
		t.Errorf("Report called %d times, want 1: Write went on after the cancel", calls)
	}
	if int64(out.Len()) > plan.Totals.Bytes/4 {
		t.Errorf("wrote %d bytes of a %d-byte tree after an immediate cancel", out.Len(), plan.Totals.Bytes)
	}
}

func TestWriteOptionErrors(t *testing.T) {
	root := writeFixture(t, fixtureNodes)
	plan, err := Scan(context.Background(), root, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, opts := range []WriteOptions{
		{Compression: "lz4"}, {Compression: Gzip, Level: 12}, {Compression: Zstd, Level: -3},
	} {
		if _, err := Write(context.Background(), io.Discard, root, plan, testManifest(), opts); err == nil {
			t.Errorf("Write(%+v) succeeded, want an error", opts)
		}
	}
}

func TestWriteReportsProgressAndCounts(t *testing.T) {
	root := writeFixture(t, fixtureNodes)
	total := writeBulkTree(t, root, 30, 32<<10)
	plan, err := Scan(context.Background(), root, nil)
	if err != nil {
		t.Fatal(err)
	}
	var reports []Progress
	res, err := Write(context.Background(), io.Discard, root, plan, testManifest(), WriteOptions{
		Report: func(p Progress) { reports = append(reports, p) },
	})
	if err != nil {
		t.Fatal(err)
	}
	last := reports[len(reports)-1]
	if last.BytesDone != plan.Totals.Bytes || last.FilesDone != plan.Totals.Files ||
		last.BytesTotal != plan.Totals.Bytes || last.FilesTotal != plan.Totals.Files {
		t.Errorf("final progress = %+v, want totals %+v", last, plan.Totals)
	}
	if res.Bytes != plan.Totals.Bytes || res.Files != plan.Totals.Files || len(res.Entries) != len(plan.Entries) {
		t.Errorf("result counts = %d bytes, %d files, %d entries; want %+v", res.Bytes, res.Files, len(res.Entries), plan.Totals)
	}
	if plan.Totals.Bytes < total {
		t.Errorf("plan bytes = %d, want at least the bulk tree's %d", plan.Totals.Bytes, total)
	}
	// The plan's entries are the result's, each file with its hash: the
	// index is not held twice.
	if &res.Entries[0] != &plan.Entries[0] {
		t.Error("WriteResult.Entries is a copy of the plan's entries")
	}
	for _, e := range plan.Entries {
		if (e.Type == TypeFile) != (len(e.SHA256) == 64) {
			t.Fatalf("%s (%s): sha256 %q", e.Path, e.Type, e.SHA256)
		}
	}
}

// failingWriter accepts limit bytes, then fails like a full disk.
type failingWriter struct{ limit int }

var errDiskFull = errors.New("no space left on device")

func (f *failingWriter) Write(p []byte) (int, error) {
	if len(p) > f.limit {
		n := f.limit
		f.limit = 0
		return n, errDiskFull
	}
	f.limit -= len(p)
	return len(p), nil
}

func TestWriteReturnsOutputErrors(t *testing.T) {
	root := t.TempDir()
	writeBulkTree(t, root, 40, 128<<10)
	plan, err := Scan(context.Background(), root, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []Compression{Gzip, Zstd} {
		for _, limit := range []int{0, 100, 300 << 10} {
			_, err := Write(context.Background(), &failingWriter{limit: limit}, root, plan, testManifest(), WriteOptions{Compression: c})
			if !errors.Is(err, errDiskFull) {
				t.Errorf("%s, failing after %d bytes: error = %v, want %v", c, limit, err, errDiskFull)
			}
		}
	}
}

func mustRemove(t *testing.T, p string) {
	t.Helper()
	if err := os.RemoveAll(p); err != nil {
		t.Fatal(err)
	}
}

func mustSymlink(t *testing.T, target, p string) {
	t.Helper()
	if err := os.Symlink(target, p); err != nil {
		t.Fatal(err)
	}
}
