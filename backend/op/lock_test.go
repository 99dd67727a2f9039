package op

import (
	"context"
	"rewind/backend/deployment"
	"rewind/backend/metadir"

	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLockIsExclusiveAndNamesTheHolder(t *testing.T) {
	p := filepath.Join(t.TempDir(), "d", "lock")
	l, err := acquire(p, "deployment shop", "backup create")
	if err != nil {
		t.Fatal(err)
	}
	_, err = acquire(p, "deployment shop", "restore")
	var be *BusyError
	if !errors.As(err, &be) || !errors.Is(err, ErrBusy) {
		t.Fatalf("second acquire: got %v, want a BusyError", err)
	}
	if be.Holder.PID != os.Getpid() || !strings.Contains(err.Error(), "deployment shop is busy: backup create is running") {
		t.Errorf("busy error: got %q (holder %+v)", err, be.Holder)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	l.Release() // twice is harmless
	l2, err := acquire(p, "deployment shop", "restore")
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	l2.Release()
}

// The lock lives in the project's .rewind directory. A symbolic link planted
// as .rewind or as the lock file used to make Acquire create or truncate a
// file at the link's target; now it refuses and names the link.
func TestAcquireRefusesALinkedDirectoryOrLockFile(t *testing.T) {
	victim := func(t *testing.T) (dir, file string) {
		dir = t.TempDir()
		file = filepath.Join(dir, "lock")
		if err := os.WriteFile(file, []byte("precious"), 0o600); err != nil {
			t.Fatal(err)
		}
		return dir, file
	}
	check := func(t *testing.T, link string, err error, file string) {
		t.Helper()
		var le *metadir.LinkError
		if !errors.Is(err, metadir.ErrLinkedPath) || !errors.As(err, &le) || le.Path != link {
			t.Fatalf("err = %v, want a LinkError naming %s", err, link)
		}
		if !strings.Contains(err.Error(), link) || !strings.Contains(err.Error(), "nothing was changed") {
			t.Errorf("message %q: want the link and that nothing was changed", err)
		}
		if b, _ := os.ReadFile(file); string(b) != "precious" {
			t.Errorf("the link's target was written: %q", b)
		}
	}
	t.Run(".rewind", func(t *testing.T) {
		dir, file := victim(t)
		meta := filepath.Join(t.TempDir(), ".rewind")
		if err := os.Symlink(dir, meta); err != nil {
			t.Fatal(err)
		}
		l, err := acquire(filepath.Join(meta, "lock"), "deployment shop", "backup create")
		l.Release()
		check(t, meta, err, file)
	})
	t.Run("lock", func(t *testing.T) {
		_, file := victim(t)
		meta := filepath.Join(t.TempDir(), ".rewind")
		if err := os.Mkdir(meta, 0o700); err != nil {
			t.Fatal(err)
		}
		lock := filepath.Join(meta, "lock")
		if err := os.Symlink(file, lock); err != nil {
			t.Fatal(err)
		}
		l, err := acquire(lock, "deployment shop", "backup create")
		l.Release()
		check(t, lock, err, file)
	})
	t.Run("dangling lock link", func(t *testing.T) {
		dir := t.TempDir()
		meta := filepath.Join(t.TempDir(), ".rewind")
		if err := os.Mkdir(meta, 0o700); err != nil {
			t.Fatal(err)
		}
		lock := filepath.Join(meta, "lock")
		if err := os.Symlink(filepath.Join(dir, "created"), lock); err != nil {
			t.Fatal(err)
		}
		l, err := acquire(lock, "deployment shop", "backup create")
		l.Release()
		if !errors.Is(err, metadir.ErrLinkedPath) {
			t.Errorf("err = %v, want metadir.ErrLinkedPath", err)
		}
		if _, serr := os.Lstat(filepath.Join(dir, "created")); serr == nil {
			t.Error("a file was created at the link's target")
		}
	})
	t.Run("hard link", func(t *testing.T) {
		_, file := victim(t)
		meta := filepath.Join(filepath.Dir(file), ".rewind")
		if err := os.Mkdir(meta, 0o700); err != nil {
			t.Fatal(err)
		}
		lock := filepath.Join(meta, "lock")
		if err := os.Link(file, lock); err != nil {
			t.Fatal(err)
		}
		l, err := acquire(lock, "deployment shop", "backup create")
		l.Release()
		if err == nil {
			t.Fatal("a lock file with a second name elsewhere was taken and truncated")
		}
		if b, _ := os.ReadFile(file); string(b) != "precious" {
			t.Errorf("the other name's content changed: %q", b)
		}
	})
}

// A deployment whose project directory is gone is refused with the
// project-missing error, and the lock does not recreate the directory.
func TestLockRefusesAMissingProject(t *testing.T) {
	dep := deployment.Deployment{Name: "shop", Path: filepath.Join(t.TempDir(), "gone")}
	_, release, err := Lock(context.Background(), dep, "backup create")
	if release != nil {
		release()
	}
	if !errors.Is(err, deployment.ErrNoProject) {
		t.Errorf("err = %v, want ErrNoProject", err)
	}
	if err != nil && !strings.Contains(err.Error(), "put it back (or mount its disk)") {
		t.Errorf("err = %v, want it to say what to do", err)
	}
	if _, serr := os.Lstat(dep.Path); serr == nil {
		t.Error("the project directory was created")
	}
}
