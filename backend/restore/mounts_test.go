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

	"rewind/backend/mounts"
)

// mountTmpfs mounts a small tmpfs at dir (created) until the test ends.
// The cleanup finds the mount by its id, wherever a faulty restore moved it.
func mountTmpfs(t *testing.T, dir string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, "size=4m"); err != nil {
		t.Fatalf("mount tmpfs at %s: %v", dir, err)
	}
	table, err := mounts.Read()
	if err != nil {
		t.Fatal(err)
	}
	id := -1
	for _, m := range table {
		if m.Point == dir {
			id = m.ID
		}
	}
	t.Cleanup(func() {
		table, _ := mounts.Read()
		for _, m := range table {
			if m.ID == id {
				unix.Unmount(m.Point, unix.MNT_DETACH)
			}
		}
	})
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
