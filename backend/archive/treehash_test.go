package archive

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestTreeHashFields(t *testing.T) {
	base := []Entry{
		{Path: "a", Type: TypeDir, Mode: 0o755},
		{Path: "a/f", Type: TypeFile, Size: 3, Mode: 0o644, UID: 1, GID: 2, SHA256: "aa"},
		{Path: "a/l", Type: TypeSymlink, Mode: 0o777, Link: "f"},
		{Path: "a/h", Type: TypeHardlink, Mode: 0o644, Link: "a/f"},
	}
	want := TreeHash(base)
	tests := []struct {
		name    string
		edit    func(es []Entry) []Entry
		changes bool
	}{
		{"order of entries", func(es []Entry) []Entry { slices.Reverse(es); return es }, false},
		{"mtime", func(es []Entry) []Entry { es[1].MTime = time.Now(); return es }, false},
		{"mode above 07777", func(es []Entry) []Entry { es[1].Mode |= 0o100000; return es }, false},
		{"path", func(es []Entry) []Entry { es[1].Path = "a/g"; return es }, true},
		{"type", func(es []Entry) []Entry { es[0].Type = TypeFile; return es }, true},
		{"mode", func(es []Entry) []Entry { es[1].Mode = 0o600; return es }, true},
		{"setgid", func(es []Entry) []Entry { es[0].Mode |= 0o2000; return es }, true},
		{"uid", func(es []Entry) []Entry { es[1].UID = 0; return es }, true},
		{"gid", func(es []Entry) []Entry { es[1].GID = 0; return es }, true},
		{"size", func(es []Entry) []Entry { es[1].Size = 4; return es }, true},
		{"sha256", func(es []Entry) []Entry { es[1].SHA256 = "ab"; return es }, true},
		{"symlink target", func(es []Entry) []Entry { es[2].Link = "g"; return es }, true},
		{"hard link target", func(es []Entry) []Entry { es[3].Link = "a/l"; return es }, true},
		{"entry removed", func(es []Entry) []Entry { return es[:3] }, true},
		{"field boundary", func(es []Entry) []Entry { es[2].Path, es[2].Link = "a/l\x00", ""; return es }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := TreeHash(tt.edit(slices.Clone(base)))
			if (got != want) != tt.changes {
				t.Errorf("hash changed = %v, want %v", got != want, tt.changes)
			}
		})
	}
}

func TestHashTreeSeesChanges(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		change func(t *testing.T, root string)
	}{
		{"content, same size", func(t *testing.T, root string) {
			mustWrite(t, filepath.Join(root, "app", "run.sh"), "#!/bin/sh\nexec docker-compose up -D\n")
		}},
		{"mode", func(t *testing.T, root string) {
			if err := os.Chmod(filepath.Join(root, "app", "empty"), 0o755); err != nil {
				t.Fatal(err)
			}
		}},
		{"symlink target", func(t *testing.T, root string) {
			p := filepath.Join(root, "data", "dangling")
			mustRemove(t, p)
			mustSymlink(t, "elsewhere", p)
		}},
		{"hard link broken", func(t *testing.T, root string) {
			p := filepath.Join(root, "data", "hard.bin")
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			mustRemove(t, p)
			mustWrite(t, p, string(data))
		}},
		{"empty dir removed", func(t *testing.T, root string) {
			mustRemove(t, filepath.Join(root, "app", "empty"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := writeFixture(t, fixtureNodes)
			before, _, err := hashTree(ctx, root, nil)
			if err != nil {
				t.Fatal(err)
			}
			again, _, err := hashTree(ctx, root, nil)
			if err != nil || again != before {
				t.Fatalf("HashTree is not stable: %s then %s (%v)", before, again, err)
			}
			tt.change(t, root)
			after, _, err := hashTree(ctx, root, nil)
			if err != nil {
				t.Fatal(err)
			}
			if after == before {
				t.Errorf("HashTree = %s before and after the change", after)
			}
		})
	}
}

func TestHashTreeExcludesAndMTimes(t *testing.T) {
	ctx := context.Background()
	root := writeFixture(t, fixtureNodes)
	before, _, err := hashTree(ctx, root, []string{"tmp"})
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(root, ".rewind", "journal.json"), "{}")
	mustWrite(t, filepath.Join(root, "tmp", "scratch"), "x")
	if err := os.Chtimes(filepath.Join(root, "app", "run.sh"), time.Now(), time.Now()); err != nil {
		t.Fatal(err)
	}
	after, _, err := hashTree(ctx, root, []string{"tmp"})
	if err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("HashTree changed (%s to %s) from excluded paths and mtimes only", before, after)
	}
}
