package restore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"rewind/backend/archive"
	"rewind/backend/archive/archivetest"
	"rewind/backend/deployment"
	"rewind/backend/metadir"
)

// resolvers runs a test with openat2 and with the component-by-component
// fallback used where the kernel has no openat2.
func resolvers(t *testing.T, run func(t *testing.T)) {
	t.Run("openat2", run)
	t.Run("fallback", func(t *testing.T) {
		openat2 = func(int, string, *unix.OpenHow) (int, error) { return -1, unix.ENOSYS }
		t.Cleanup(func() { openat2 = unix.Openat2 })
		run(t)
	})
}

// outsideDir is a directory outside the deployment with a file in it; the
// returned func fails the test unless it is still there, unchanged.
func outsideDir(t *testing.T, sub string) (string, func()) {
	t.Helper()
	dir := t.TempDir()
	write(t, dir, sub+"/precious.txt", "host files")
	h, _, err := archivetest.HashTree(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	return dir, func() {
		t.Helper()
		got, _, err := archivetest.HashTree(context.Background(), dir, nil)
		if err != nil || got != h {
			t.Errorf("the directory outside the deployment changed (%v)", err)
		}
		if b, err := os.ReadFile(filepath.Join(dir, sub, "precious.txt")); err != nil || string(b) != "host files" {
			t.Errorf("outside file: %q, %v", b, err)
		}
	}
}

func plant(t *testing.T, root, rel, to string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.RemoveAll(p); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(to, p); err != nil {
		t.Fatal(err)
	}
}

// A container replaces a directory above a kept path with a link to a host
// directory. The preview and the restore refuse it, naming the link, before
// any container stops; the host directory stays where it was.
func TestLinkAboveKeptPathRefusedBeforeAnythingChanges(t *testing.T) {
	cases := []struct {
		name string
		mode Mode
		opts deployment.InitOptions
		link string // replaced by a link to the outside directory
		sub  string // the kept path's name below the link
	}{
		{"data restore, excluded cache", Data, deployment.InitOptions{Excludes: []string{"data/cache/tmp"}}, "data/cache", "tmp"},
		{"full restore, excluded cache", Full, deployment.InitOptions{Excludes: []string{"data/cache/tmp"}}, "data/cache", "tmp"},
		{"app restore, nested data path", App, deployment.InitOptions{DataPaths: []string{"data/db"}}, "data", "db"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resolvers(t, func(t *testing.T) {
				f := newFixtureWith(t, t.TempDir(), c.opts)
				outside, intact := outsideDir(t, c.sub)
				plant(t, f.dep.Path, c.link, outside)
				before := f.hash(t)

				_, perr := f.r.Plan(context.Background(), f.dep, f.backupID, c.mode)
				_, rerr := f.r.Run(context.Background(), f.dep, f.backupID, Options{Mode: c.mode, Confirmed: true}, nil)
				intact()
				for name, err := range map[string]error{"preview": perr, "restore": rerr} {
					var le *LinkError
					if !errors.As(err, &le) || !errors.Is(err, ErrLinkInPath) {
						t.Fatalf("%s: got %v, want a link error", name, err)
					}
					if le.Link != c.link || le.To != outside {
						t.Errorf("%s: %v: names %s -> %s, want %s -> %s", name, err, le.Link, le.To, c.link, outside)
					}
				}
				if slices.Contains(f.eng.Calls(), "stop") {
					t.Errorf("containers stopped: %v", f.eng.Calls())
				}
				if f.hash(t) != before {
					t.Error("the live tree changed")
				}
				if left := f.workLeft(t); len(left) != 0 {
					t.Errorf(".rewind holds %v", left)
				}
			})
		})
	}
}

// The link is planted after the preview, while the containers stop: the
// moves go through handles that refuse links, so the restore fails before
// moving anything, is undone, and the host directory is untouched.
func TestLinkPlantedWhileStoppingIsNeverFollowed(t *testing.T) {
	resolvers(t, func(t *testing.T) {
		f := newFixtureWith(t, t.TempDir(), deployment.InitOptions{Excludes: []string{"data/cache/tmp"}})
		outside, intact := outsideDir(t, "tmp")
		f.eng.onStop = func() {
			if f.eng.onStop != nil {
				plant(t, f.dep.Path, "data/cache", outside)
			}
			f.eng.onStop = nil
		}
		_, err := f.r.Run(context.Background(), f.dep, f.backupID, Options{Mode: Data, Confirmed: true}, nil)
		intact()
		if !errors.Is(err, ErrLinkInPath) {
			t.Fatalf("got %v, want a link error", err)
		}
		if to, err := os.Readlink(filepath.Join(f.dep.Path, "data", "cache")); err != nil || to != outside {
			t.Errorf("data/cache: %q, %v; want the link left as it was", to, err)
		}
		if got := f.read(t, "data/db.json"); got != `{"rows":2,"more":true}` {
			t.Errorf("data/db.json: %q, want the live file", got)
		}
		if calls := f.eng.Calls(); calls[len(calls)-1] != "start" {
			t.Errorf("containers not started again: %v", calls)
		}
		if left := f.workLeft(t); len(left) != 0 {
			t.Errorf(".rewind holds %v", left)
		}
	})
}

// A kept path that is itself a link is a live entry like any other: it is
// carried as the link, and what it points to is not touched.
func TestKeptLinkIsCarriedAsTheLink(t *testing.T) {
	resolvers(t, func(t *testing.T) {
		f := newFixture(t) // data/cache is excluded
		outside, intact := outsideDir(t, "tmp")
		plant(t, f.dep.Path, "data/cache", outside)
		if _, err := f.r.Run(context.Background(), f.dep, f.backupID, Options{Mode: Data, Confirmed: true}, nil); err != nil {
			t.Fatal(err)
		}
		intact()
		if to, err := os.Readlink(filepath.Join(f.dep.Path, "data", "cache")); err != nil || to != outside {
			t.Errorf("data/cache: %q, %v; want the kept link", to, err)
		}
		if got := f.read(t, "data/db.json"); got != `{"rows":1}` {
			t.Errorf("data/db.json: %q, want the backup's", got)
		}
	})
}

// .rewind replaced by a link (a container that can write the project
// directory): the restore stages nothing there and changes nothing.
func TestLinkedMetaDirIsNeverStagedInto(t *testing.T) {
	f := newFixture(t)
	outside, intact := outsideDir(t, "tmp")
	meta := filepath.Join(f.dep.Path, archive.MetaDir)
	if err := os.RemoveAll(meta); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, meta); err != nil {
		t.Fatal(err)
	}
	before := f.hash(t)
	_, err := f.r.Run(context.Background(), f.dep, f.backupID, Options{Mode: Full, Confirmed: true}, nil)
	// The deployment lock, taken before the restore starts, refuses the
	// link already.
	if !errors.Is(err, metadir.ErrLinkedPath) {
		t.Fatalf("got %v, want a link error", err)
	}
	// The link planted once the lock is taken (a rollback holds it from
	// before) meets the staging's own refusal.
	if err := os.Remove(meta); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(meta, 0o700); err != nil {
		t.Fatal(err)
	}
	f.r.Kernel.Hook = func(step string) error {
		if step == "restore."+string(Planning) {
			if err := os.RemoveAll(meta); err != nil {
				return err
			}
			return os.Symlink(outside, meta)
		}
		return nil
	}
	if _, err := f.r.Run(context.Background(), f.dep, f.backupID, Options{Mode: Full, Confirmed: true}, nil); !errors.Is(err, ErrLinkInPath) {
		t.Fatalf("locked run: got %v, want a link error", err)
	}
	if b, err := os.ReadFile(filepath.Join(outside, "tmp", "precious.txt")); err != nil || string(b) != "host files" {
		t.Errorf("outside file: %q, %v", b, err)
	}
	_ = intact
	ents, _ := os.ReadDir(outside)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "restore-") || e.Name() == "lock" {
			t.Errorf("staged into the link's target: %s", e.Name())
		}
	}
	if f.hash(t) != before || slices.Contains(f.eng.Calls(), "stop") {
		t.Errorf("something changed: calls %v", f.eng.Calls())
	}
}
