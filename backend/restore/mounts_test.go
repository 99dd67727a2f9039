package restore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"rewind/backend/op/optest"
	"slices"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"rewind/backend/deployment"
	"rewind/backend/mounts"
	"rewind/backend/mounts/mounttest"
)

// mountTmpfs mounts a small tmpfs at dir (created) until the test ends.
func mountTmpfs(t *testing.T, dir string) {
	t.Helper()
	mounttest.Tmpfs(t, dir, "4m")
}

// A mount point anywhere inside an entry the restore swaps (a disk at
// data/db, or data itself on its own disk) is refused by the preview and by
// the restore alike, before any container stops; the mount stays where it
// is with its files, and nothing is left mounted under .rewind.
func TestMountInsideSwappedEntryRefusedBeforeAnythingChanges(t *testing.T) {
	for _, at := range []string{"data/db", "data"} {
		for _, mode := range []Mode{Full, Data} {
			t.Run(strings.ReplaceAll(at, "/", "_")+"/"+string(mode), func(t *testing.T) {
				f := newFixture(t)
				mnt := filepath.Join(f.dep.Path, filepath.FromSlash(at))
				mountTmpfs(t, mnt)
				write(t, mnt, "rows.bin", "the rows on the disk")
				before := f.hash(t)

				_, perr := f.r.Plan(context.Background(), f.dep, f.backupID, mode)
				_, rerr := f.r.Run(context.Background(), f.dep, f.backupID, Options{Mode: mode, Confirmed: true}, nil)
				for name, err := range map[string]error{"preview": perr, "restore": rerr} {
					var me *MountError
					if !errors.Is(err, ErrMountPoint) || !errors.As(err, &me) {
						t.Fatalf("%s: got %v, want a mount point error", name, err)
					}
					if me.Entry != "data" || me.Mount != mnt || !strings.Contains(err.Error(), mnt) {
						t.Errorf("%s: error %q names entry %q mount %q, want data and %s", name, err, me.Entry, me.Mount, mnt)
					}
				}
				if perr.Error() != rerr.Error() {
					t.Errorf("preview and restore disagree:\n%v\n%v", perr, rerr)
				}
				if slices.Contains(f.eng.Calls(), "stop") {
					t.Errorf("containers were stopped: %v", f.eng.Calls())
				}
				if got := f.read(t, at+"/rows.bin"); got != "the rows on the disk" {
					t.Errorf("file on the mount: %q", got)
				}
				if f.hash(t) != before {
					t.Error("the live tree changed")
				}
				if in, err := mounts.Within(f.dep.Path); err != nil || !slices.Equal(in, []string{mnt}) {
					t.Errorf("mounts in the deployment: %q, %v; want only %s", in, err, mnt)
				}
				if left := f.workLeft(t); len(left) != 0 {
					t.Errorf(".rewind holds %v", left)
				}
			})
		}
	}
}

// App mode does not swap a top-level data path, so a disk mounted there
// does not stop it, and the disk's files are untouched.
func TestAppRestoreLeavesMountedDataAlone(t *testing.T) {
	f := newFixture(t)
	mnt := filepath.Join(f.dep.Path, "data", "db")
	mountTmpfs(t, mnt)
	write(t, mnt, "rows.bin", "the rows on the disk")
	if _, err := f.r.Run(context.Background(), f.dep, f.backupID, Options{Mode: App, Confirmed: true}, nil); err != nil {
		t.Fatal(err)
	}
	if got := f.read(t, "data/db/rows.bin"); got != "the rows on the disk" {
		t.Errorf("file on the mount: %q", got)
	}
	if got := f.read(t, "app/main.conf"); got != "v1 config\n" {
		t.Errorf("app/main.conf: %q, want the backup's", got)
	}
}

// The removal of a restore's work directory never descends into a mount.
func TestRemoveTreeKeepsAMountInside(t *testing.T) {
	work := filepath.Join(t.TempDir(), "restore-1")
	mnt := filepath.Join(work, "stage", "data", "db")
	mountTmpfs(t, mnt)
	write(t, mnt, "rows.bin", "rows")
	err := removeTree(work)
	if err == nil || !strings.Contains(err.Error(), mnt) {
		t.Fatalf("got %v, want an error naming %s", err, mnt)
	}
	if b, err := os.ReadFile(filepath.Join(mnt, "rows.bin")); err != nil || string(b) != "rows" {
		t.Fatalf("file on the mount: %q, %v", b, err)
	}
	unix.Unmount(mnt, unix.MNT_DETACH)
	if err := removeTree(work); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(work); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("work directory still there: %v", err)
	}
}

// A mount point in a path the restore keeps (an excluded cache on a tmpfs,
// in app mode a data path on its own disk) stays where it is: the restore
// swaps the entries beside it one by one instead of the directory that
// holds it, and the pre-restore backup brings those entries back.
func TestKeptMountStaysInPlace(t *testing.T) {
	cases := []struct {
		name  string
		mode  Mode
		opts  deployment.InitOptions
		mount string
		want  map[string]string
	}{
		{"data restore, excluded cache", Data, deployment.InitOptions{Excludes: []string{"data/cache"}}, "data/cache",
			map[string]string{"data/db.json": `{"rows":1}`, "data/new.txt": "<missing>", "data/keep.txt": "kept", "app/main.conf": "v2 config, longer\n"}},
		{"full restore, excluded cache", Full, deployment.InitOptions{Excludes: []string{"data/cache"}}, "data/cache",
			map[string]string{"data/db.json": `{"rows":1}`, "data/new.txt": "<missing>", "data/keep.txt": "kept", "app/main.conf": "v1 config\n"}},
		{"app restore, data path on its own disk", App, deployment.InitOptions{Excludes: []string{"data/cache"}, DataPaths: []string{"data/store"}}, "data/store",
			map[string]string{"data/db.json": `{"rows":1}`, "data/new.txt": "<missing>", "data/keep.txt": "kept", "app/main.conf": "v1 config\n"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixtureWith(t, t.TempDir(), c.opts)
			mnt := filepath.Join(f.dep.Path, filepath.FromSlash(c.mount))
			mountTmpfs(t, mnt)
			write(t, mnt, "rows.bin", "the rows on the disk")
			before := f.hash(t)

			p, err := f.r.Plan(context.Background(), f.dep, f.backupID, c.mode)
			if err != nil {
				t.Fatalf("preview: %v", err)
			}
			if slices.Contains(p.Targets, "data") || !slices.Contains(p.Targets, "data/db.json") || slices.Contains(p.Targets, c.mount) {
				t.Errorf("entries swapped: %v; want the entries beside %s, not data or the mount", p.Targets, c.mount)
			}
			if !slices.Equal(p.Mounts, []string{c.mount}) {
				t.Errorf("preview mounts: %q, want %s", p.Mounts, c.mount)
			}
			res, err := f.r.Run(context.Background(), f.dep, f.backupID, Options{Mode: c.mode, Confirmed: true}, nil)
			if err != nil {
				t.Fatal(err)
			}
			for rel, want := range c.want {
				if got := f.read(t, rel); got != want {
					t.Errorf("%s: %q, want %q", rel, got, want)
				}
			}
			if got := f.read(t, c.mount+"/rows.bin"); got != "the rows on the disk" {
				t.Errorf("file on the mount: %q", got)
			}
			if in, err := mounts.Within(f.dep.Path); err != nil || !slices.Equal(in, []string{mnt}) {
				t.Errorf("mounts in the deployment: %q, %v; want only %s", in, err, mnt)
			}
			if left := f.workLeft(t); len(left) != 0 {
				t.Errorf(".rewind holds %v", left)
			}
			if res.SafetyCopy == nil {
				t.Fatalf("no pre-restore backup: %v", res.Warnings)
			}
			if _, err := f.r.Run(context.Background(), f.dep, res.SafetyCopy.ID, Options{Mode: Full, Confirmed: true}, nil); err != nil {
				t.Fatalf("restore the pre-restore backup: %v", err)
			}
			if f.hash(t) != before {
				t.Error("the pre-restore backup did not bring the tree back as it was")
			}
		})
	}
}

// A failure at any swap beside a kept mount puts every entry back; the
// mount and its files stay where they are.
func TestFaultBesideKeptMountPutsEverythingBack(t *testing.T) {
	for _, step := range []string{"restore.carried", "restore.swapping", "restore.swapping#2", "restore.swapping#3", "restore.swapped", "restore.started"} {
		t.Run(step, func(t *testing.T) {
			f := newFixture(t) // data/cache is excluded
			mnt := filepath.Join(f.dep.Path, "data", "cache")
			mountTmpfs(t, mnt)
			write(t, mnt, "rows.bin", "the rows on the disk")
			before := f.hash(t)
			f.r.Kernel.Hook = optest.Fault(step)
			_, err := f.r.Run(context.Background(), f.dep, f.backupID, Options{Mode: Data, Confirmed: true}, nil)
			if err == nil || !strings.Contains(err.Error(), "injected fault") {
				t.Fatalf("got %v, want the injected fault", err)
			}
			if _, err := f.recover(context.Background()); err != nil {
				t.Fatal(err)
			}
			if f.hash(t) != before {
				t.Error("the live tree is not the old tree")
			}
			if got := f.read(t, "data/cache/rows.bin"); got != "the rows on the disk" {
				t.Errorf("file on the mount: %q", got)
			}
			if in, _ := mounts.Within(f.dep.Path); !slices.Equal(in, []string{mnt}) {
				t.Errorf("mounts in the deployment: %q", in)
			}
			if left := f.workLeft(t); len(left) != 0 {
				t.Errorf(".rewind holds %v", left)
			}
		})
	}
}

// MountsRefused answers for init what the preview and the restore decide.
func TestMountsRefusedAgreesWithTheRestore(t *testing.T) {
	cases := []struct {
		mount string
		mode  Mode
		want  bool // refused
	}{
		{"data", Data, true}, {"data", Full, true}, {"data", App, false},
		{"data/db", Data, true}, {"data/cache", Data, false}, {"data/cache", Full, false},
	}
	for _, c := range cases {
		t.Run(strings.ReplaceAll(c.mount, "/", "_")+"/"+string(c.mode), func(t *testing.T) {
			f := newFixture(t) // data/cache is excluded
			mountTmpfs(t, filepath.Join(f.dep.Path, filepath.FromSlash(c.mount)))
			got := MountsRefused(f.dep, c.mode)
			_, perr := f.r.Plan(context.Background(), f.dep, f.backupID, c.mode)
			if (got != nil) != c.want || errors.Is(perr, ErrMountPoint) != c.want {
				t.Fatalf("MountsRefused: %v; preview: %v; want refused %v", got, perr, c.want)
			}
			if c.want && got.Error() != perr.Error() {
				t.Errorf("messages differ:\n%v\n%v", got, perr)
			}
		})
	}
}
