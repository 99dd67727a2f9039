//go:build unix

package archive

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
)

func TestScanOrderTypesAndTotals(t *testing.T) {
	root := writeFixture(t, fixtureNodes)
	plan, err := Scan(context.Background(), root, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range plan.Entries {
		got = append(got, e.Path+" "+e.Type)
	}
	want := []string{
		"app dir", "app/compose.yaml file", "app/empty dir", "app/run.sh file",
		"data dir", "data/compose-link symlink", "data/dangling symlink", "data/db.bin file",
		"data/hard.bin hardlink", "data/zero.bin file",
		"données dir", "données/café ☕.txt file", "long dir", "long/" + longName + " file", "tmp dir",
	}
	if !slices.Equal(got, want) {
		t.Errorf("entries =\n%q\nwant\n%q", got, want)
	}
	if hl := plan.Entries[8]; hl.Link != "data/db.bin" || hl.Size != 0 || hl.Mode != 0o640 {
		t.Errorf("hard link entry = %+v, want link data/db.bin, size 0, mode 0640", hl)
	}
	var bytes int64
	for _, n := range fixtureNodes {
		if n.kind == "file" {
			bytes += int64(len(n.data))
		}
	}
	if want := (Totals{Entries: 15, Files: 6, Bytes: bytes}); plan.Totals != want {
		t.Errorf("totals = %+v, want %+v", plan.Totals, want)
	}
	if tmp := plan.Entries[14]; tmp.Mode != 0o1777 || !tmp.MTime.Equal(fixtureTime(14)) {
		t.Errorf("tmp = %+v, want mode 01777 and mtime %v", tmp, fixtureTime(14))
	}
	fi, err := os.Stat(root)
	if err != nil {
		t.Fatal(err)
	}
	if plan.RootMode != uint32(fi.Mode().Perm()) || plan.RootUID != os.Getuid() {
		t.Errorf("root mode/uid = %o/%d, want %o/%d", plan.RootMode, plan.RootUID, fi.Mode().Perm(), os.Getuid())
	}
}

func TestScanExcludes(t *testing.T) {
	root := writeFixture(t, fixtureNodes)
	for _, p := range []string{".rewind/old.json", "app/.rewind/kept.json", "dat/x"} {
		mustWrite(t, filepath.Join(root, p), "x")
	}
	tests := []struct {
		name     string
		excludes []string
		gone     []string
		kept     []string
	}{
		{"rewind always", nil, []string{".rewind", ".rewind/old.json"}, []string{"app/.rewind/kept.json"}},
		{"directory prefix", []string{"data"}, []string{"data", "data/db.bin", "data/hard.bin"}, []string{"dat", "dat/x"}},
		{"trailing slash and dot", []string{"./data/"}, []string{"data/zero.bin"}, []string{"dat/x", "app"}},
		{"exact file", []string{"app/run.sh"}, []string{"app/run.sh"}, []string{"app", "app/compose.yaml"}},
		{"no false prefix", []string{"dat"}, []string{"dat/x"}, []string{"data/db.bin"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan, err := Scan(context.Background(), root, tt.excludes)
			if err != nil {
				t.Fatal(err)
			}
			paths := map[string]bool{}
			for _, e := range plan.Entries {
				paths[e.Path] = true
			}
			for _, p := range tt.gone {
				if paths[p] {
					t.Errorf("%s is in the plan, want it excluded", p)
				}
			}
			for _, p := range tt.kept {
				if !paths[p] {
					t.Errorf("%s is not in the plan, want it kept", p)
				}
			}
		})
	}
}

func TestScanRejectsBadExcludes(t *testing.T) {
	root := t.TempDir()
	for _, ex := range []string{"../x", "/etc", ".", "a/../../b", ""} {
		if _, err := Scan(context.Background(), root, []string{ex}); err == nil {
			t.Errorf("Scan with exclude %q succeeded, want an error", ex)
		}
	}
}

func TestScanSkipsSpecialFiles(t *testing.T) {
	root := t.TempDir()
	mustWrite(t, filepath.Join(root, "a.txt"), "a")
	if err := syscall.Mkfifo(filepath.Join(root, "fifo"), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("unix", filepath.Join(root, "sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	plan, err := Scan(context.Background(), root, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []Skipped{{"fifo", "named pipe: not archived"}, {"sock", "socket: not archived"}}
	if !slices.Equal(plan.Skipped, want) {
		t.Errorf("skipped = %v, want %v", plan.Skipped, want)
	}
	if len(plan.Entries) != 1 || plan.Entries[0].Path != "a.txt" {
		t.Errorf("entries = %+v, want only a.txt", plan.Entries)
	}
}

// As root every file is readable, so these run only for other users; the
// root-safe failure path is TestWriteFailsOnChangedFiles.
func TestScanFailsOnUnreadable(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root can read every file; see TestWriteFailsOnChangedFiles")
	}
	tests := []struct {
		name, path, wantMsg string
	}{
		{"file", "data/x", "open data/x: permission denied"},
		{"directory", "data/locked", "open data/locked: permission denied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			p := filepath.Join(root, filepath.FromSlash(tt.path))
			if tt.name == "directory" {
				mustWrite(t, filepath.Join(p, "inner"), "secret")
			} else {
				mustWrite(t, p, "secret")
			}
			if err := os.Chmod(p, 0); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(p, 0o700) })
			_, err := Scan(context.Background(), root, nil)
			if err == nil || err.Error() != tt.wantMsg || !errors.Is(err, fs.ErrPermission) {
				t.Errorf("Scan error = %v, want %q (fs.ErrPermission)", err, tt.wantMsg)
			}
		})
	}
}

func TestScanCancelled(t *testing.T) {
	root := writeFixture(t, fixtureNodes)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Scan(ctx, root, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Scan error = %v, want context.Canceled", err)
	}
}
