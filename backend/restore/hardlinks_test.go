package restore

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"rewind/backend/backup"
)

// A hard link between a data path and an application file: the backup
// warns, naming both; a data restore (and an app restore, for a link the
// other way round) puts the restored name back as a separate copy, leaves
// the other name as it is, and the preview says so.
func TestHardLinkAcrossDataPaths(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		mode                Mode
		restored, untouched string
		link                HardLink
	}{
		{Data, "data/shared.bin", "app/shared.bin", HardLink{Path: "data/shared.bin", Link: "app/shared.bin"}},
		{App, "tools/first.txt", "data/first.txt", HardLink{Path: "tools/first.txt", Link: "data/first.txt"}},
	}
	for _, c := range cases {
		t.Run(string(c.mode), func(t *testing.T) {
			f := newFixture(t)
			root := f.dep.Path
			link := func(old, new string) {
				t.Helper()
				if err := os.Link(filepath.Join(root, old), filepath.Join(root, new)); err != nil {
					t.Fatal(err)
				}
			}
			write(t, root, "app/shared.bin", "shared at backup time")
			link("app/shared.bin", "data/shared.bin") // archived as data/shared.bin -> app/shared.bin
			write(t, root, "data/first.txt", "data at backup time")
			os.MkdirAll(filepath.Join(root, "tools"), 0o755)
			link("data/first.txt", "tools/first.txt") // archived as tools/first.txt -> data/first.txt
			cr, err := f.backups.Create(ctx, f.dep, backup.CreateRequest{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{
				"data/shared.bin is a hard link to app/shared.bin, across the data paths: a data or app restore puts it back as a separate copy",
				"tools/first.txt is a hard link to data/first.txt, across the data paths: a data or app restore puts it back as a separate copy",
			} {
				if !slices.Contains(cr.Warnings, want) {
					t.Errorf("backup warnings %q\nwant %q", cr.Warnings, want)
				}
			}

			if full, err := f.r.Plan(ctx, f.dep, cr.Record.ID, Full); err != nil || full.Replaced.Files != 0 {
				t.Errorf("nothing changed since the backup, yet the plan replaces %d files (%v)", full.Replaced.Files, err)
			}
			want := f.read(t, c.restored)
			write(t, root, c.restored, "changed after the backup, through both names")
			p, err := f.r.Plan(ctx, f.dep, cr.Record.ID, c.mode)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(p.Separated, []HardLink{c.link}) {
				t.Errorf("plan separated %v, want %v", p.Separated, []HardLink{c.link})
			}
			if _, err := f.r.Run(ctx, f.dep, cr.Record.ID, Options{Mode: c.mode, Confirmed: true}, nil); err != nil {
				t.Fatalf("%s restore: %v", c.mode, err)
			}
			if got := f.read(t, c.restored); got != want {
				t.Errorf("%s: got %q, want %q", c.restored, got, want)
			}
			if got := f.read(t, c.untouched); got != "changed after the backup, through both names" {
				t.Errorf("%s, outside the %s restore, changed: %q", c.untouched, c.mode, got)
			}
			if inodeOf(filepath.Join(root, c.restored)) == inodeOf(filepath.Join(root, c.untouched)) {
				t.Errorf("%s is still linked to %s", c.restored, c.untouched)
			}
			if left := f.workLeft(t); len(left) != 0 {
				t.Errorf(".rewind holds %v", left)
			}
		})
	}
}

// A data path inside an application directory: the app restore extracts the
// linked data file for the link's content and drops it again, so that the
// live data directory is carried into the staged tree as usual.
func TestHardLinkIntoNestedDataPath(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	root := f.dep.Path
	f.dep.DataPaths = []string{"app/db"}
	write(t, root, "app/db/rows", "rows at backup time")
	if err := os.Link(filepath.Join(root, "app/db/rows"), filepath.Join(root, "app/z.txt")); err != nil {
		t.Fatal(err)
	}
	cr, err := f.backups.Create(ctx, f.dep, backup.CreateRequest{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	write(t, root, "app/z.txt", "changed through both names")
	write(t, root, "app/db/more", "data written after the backup")
	if _, err := f.r.Run(ctx, f.dep, cr.Record.ID, Options{Mode: App, Confirmed: true}, nil); err != nil {
		t.Fatalf("app restore: %v", err)
	}
	for rel, want := range map[string]string{"app/z.txt": "rows at backup time", "app/db/rows": "changed through both names",
		"app/db/more": "data written after the backup"} {
		if got := f.read(t, rel); got != want {
			t.Errorf("%s: got %q, want %q", rel, got, want)
		}
	}
}
