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

	"rewind/backend/backup"
	"rewind/backend/store"
)

func TestRestoreModes(t *testing.T) {
	cases := []struct {
		mode Mode
		want map[string]string // file -> content after the restore
	}{
		{Full, map[string]string{"app/main.conf": "v1 config\n", "data/db.json": `{"rows":1}`,
			"data/new.txt": "<missing>", "data/keep.txt": "kept", ".env": "APP_VERSION=1\n", "data/cache/tmp.bin": "cache"}},
		{App, map[string]string{"app/main.conf": "v1 config\n", "data/db.json": `{"rows":2,"more":true}`,
			"data/new.txt": "written after the backup", "data/keep.txt": "<missing>", ".env": "APP_VERSION=1\n", "data/cache/tmp.bin": "cache"}},
		{Data, map[string]string{"app/main.conf": "v2 config, longer\n", "data/db.json": `{"rows":1}`,
			"data/new.txt": "<missing>", "data/keep.txt": "kept", ".env": "APP_VERSION=2\n", "data/cache/tmp.bin": "cache"}},
	}
	for _, c := range cases {
		t.Run(string(c.mode), func(t *testing.T) {
			f := newFixture(t)
			res, err := f.r.Run(context.Background(), f.dep, f.backupID, Options{Mode: c.mode, Confirmed: true}, nil)
			if err != nil {
				t.Fatal(err)
			}
			for rel, want := range c.want {
				if got := f.read(t, rel); got != want {
					t.Errorf("%s: got %q, want %q", rel, got, want)
				}
			}
			if c.mode == Full {
				if got := f.hash(t); got != f.hArchive {
					t.Error("full restore: the tree differs from the tree at backup time")
				}
			}
			if got, want := f.eng.Calls(), []string{"snapshot", "stop", "start"}; !slices.Equal(got[len(got)-3:], want) {
				t.Errorf("engine calls: got %v, want to end with %v", got, want)
			}
			if res.SafetyCopy == nil || res.SafetyCopy.Type != backup.TypePreRestore {
				t.Fatalf("safety copy: got %+v, want a pre-restore backup", res.SafetyCopy)
			}
			if left := f.workLeft(t); len(left) != 0 {
				t.Errorf(".rewind holds %v after a successful restore", left)
			}
			// The safety copy brings the replaced files back exactly.
			if _, err := f.r.Run(context.Background(), f.dep, res.SafetyCopy.ID, Options{Mode: Full, Confirmed: true}, nil); err != nil {
				t.Fatal(err)
			}
			if got := f.hash(t); got != f.hBefore {
				t.Error("restoring the pre-restore backup did not bring back the tree as it was before the restore")
			}
		})
	}
}

func TestPlanPreview(t *testing.T) {
	f := newFixture(t)
	p, err := f.r.Plan(context.Background(), f.dep, f.backupID, Full)
	if err != nil {
		t.Fatal(err)
	}
	// replaced: app/main.conf, data/db.json, .env; added: data/keep.txt; removed: data/new.txt
	if p.Replaced.Files != 3 || p.Added.Files != 1 || p.Removed.Files != 1 {
		t.Errorf("plan: replaced %d added %d removed %d, want 3 1 1", p.Replaced.Files, p.Added.Files, p.Removed.Files)
	}
	if p.Lost.Files != 4 || !p.DiscardsData {
		t.Errorf("plan: lost %d files, discardsData %v; want 4 and true", p.Lost.Files, p.DiscardsData)
	}
	if !slices.Contains(p.Targets, "app") || !slices.Contains(p.Targets, "data") || slices.Contains(p.Targets, ".rewind") {
		t.Errorf("targets: %v", p.Targets)
	}
	pa, _ := f.r.Plan(context.Background(), f.dep, f.backupID, App)
	if pa.DiscardsData || slices.Contains(pa.Targets, "data") {
		t.Errorf("app plan must not touch data: %+v", pa)
	}
	if got := f.hash(t); got != f.hBefore {
		t.Error("planning changed the tree")
	}
}

func TestConfirmationRequiredToDiscardData(t *testing.T) {
	f := newFixture(t)
	_, err := f.r.Run(context.Background(), f.dep, f.backupID, Options{Mode: Full, Confirmation: "wrong"}, nil)
	if !errors.Is(err, ErrConfirmation) {
		t.Fatalf("got %v, want ErrConfirmation", err)
	}
	if f.hash(t) != f.hBefore || len(f.eng.Calls()) > 1 {
		t.Errorf("a refused restore changed something: calls %v", f.eng.Calls())
	}
	if _, err := f.r.Run(context.Background(), f.dep, f.backupID, Options{Mode: Full, Confirmation: f.dep.Name}, nil); err != nil {
		t.Fatalf("typed name: %v", err)
	}
}

// Every named step fails once; the live tree must be the old tree after
// the failure, and again after recovery; no container is left with a
// changed policy (the engine was asked to start again when it stopped).
func TestFaultAtEveryStep(t *testing.T) {
	for _, step := range everyStep() {
		t.Run(step, func(t *testing.T) {
			f := newFixture(t)
			f.r.Kernel.Hook = optest.Fault(append(undoFault(step), step)...)
			_, err := f.r.Run(context.Background(), f.dep, f.backupID, Options{Mode: Full, Confirmed: true}, nil)
			if err == nil || !strings.Contains(err.Error(), "injected fault") {
				t.Fatalf("got %v, want the injected fault", err)
			}
			if got := f.hash(t); got != f.hBefore {
				t.Fatal("after a failed restore the live tree is not the old tree")
			}
			calls := f.eng.Calls()
			if slices.Contains(calls, "stop") && calls[len(calls)-1] != "start" {
				t.Errorf("containers stopped and not started again: %v", calls)
			}
			lines, err := f.recover(context.Background())
			if err != nil {
				t.Fatalf("recover: %v (%v)", err, lines)
			}
			if got := f.hash(t); got != f.hBefore {
				t.Error("after recovery the live tree is not the old tree")
			}
			if left := f.workLeft(t); len(left) != 0 {
				t.Errorf(".rewind holds %v", left)
			}
			ops, _ := f.st.UnfinishedOperations(context.Background())
			if len(ops) != 0 {
				t.Errorf("unfinished operations left: %+v", ops)
			}
		})
	}
}

func TestUnhealthyAfterSwapPutsOldFilesBack(t *testing.T) {
	f := newFixture(t)
	f.eng.startErr = errors.New("web: health check failing")
	_, err := f.r.Run(context.Background(), f.dep, f.backupID, Options{Mode: Full, Confirmed: true}, nil)
	if !errors.Is(err, ErrUnhealthy) {
		t.Fatalf("got %v, want ErrUnhealthy", err)
	}
	if f.hash(t) != f.hBefore {
		t.Fatal("the old files were not put back")
	}
	// stop, swap, start (fails), stop, swap back, start
	calls := f.eng.Calls()
	if n := strings.Count(strings.Join(calls, " "), "start"); n != 2 {
		t.Errorf("engine calls %v: want two starts (after the swap, after the undo)", calls)
	}
}

func TestDamagedArchiveRefusedBeforeAnythingStops(t *testing.T) {
	cases := map[string]func(path string) error{
		"flipped byte": func(p string) error {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			b[len(b)/2] ^= 0xff
			return os.WriteFile(p, b, 0o600)
		},
		"truncated": func(p string) error {
			st, err := os.Stat(p)
			if err != nil {
				return err
			}
			return os.Truncate(p, st.Size()/2)
		},
	}
	for name, damage := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			b, _ := f.st.GetBackup(context.Background(), f.backupID)
			if err := damage(b.Path); err != nil {
				t.Fatal(err)
			}
			_, err := f.r.Run(context.Background(), f.dep, f.backupID, Options{Mode: Full, Confirmed: true}, nil)
			if err == nil {
				t.Fatal("a damaged archive was restored")
			}
			if f.hash(t) != f.hBefore {
				t.Error("live files changed")
			}
			for _, c := range f.eng.Calls() {
				if c == "stop" {
					t.Errorf("containers were stopped for a damaged archive: %v", f.eng.Calls())
				}
			}
			if left := f.workLeft(t); len(left) != 0 {
				t.Errorf("staging left: %v", left)
			}
		})
	}
}

func TestMissingFileNotRestorable(t *testing.T) {
	f := newFixture(t)
	b, _ := f.st.GetBackup(context.Background(), f.backupID)
	os.Rename(b.Path, b.Path+".moved")
	_, err := f.r.Run(context.Background(), f.dep, f.backupID, Options{Mode: Full, Confirmed: true}, nil)
	if !errors.Is(err, ErrNotRestorable) {
		t.Fatalf("got %v, want ErrNotRestorable", err)
	}
	_, err = f.r.Run(context.Background(), f.dep, 999, Options{Confirmed: true}, nil)
	if !errors.Is(err, backup.ErrNotFound) {
		t.Fatalf("unknown id: got %v", err)
	}
}

func TestSecondRestoreIsBusy(t *testing.T) {
	f := newFixture(t)
	release := make(chan struct{})
	entered := make(chan struct{})
	f.eng.onStop = func() { close(entered); <-release }
	done := make(chan error)
	go func() {
		_, err := f.r.Run(context.Background(), f.dep, f.backupID, Options{Mode: Full, Confirmed: true}, nil)
		done <- err
	}()
	<-entered
	_, err := f.r.Run(context.Background(), f.dep, f.backupID, Options{Mode: Full, Confirmed: true}, nil)
	if err == nil || !strings.Contains(err.Error(), "is busy: restore of backup #1 is running") {
		t.Errorf("second restore: got %v, want busy naming the first", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	_ = store.OpSucceeded
	_ = filepath.Join
}

// ENOSPC while extracting: the disk fills up after the plan (another
// process writes), extraction fails, and the live tree is untouched.
func TestDiskFullDuringExtraction(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a tmpfs")
	}
	f := newFixtureOnTmpfs(t)
	f.r.Kernel.Hook = func(s string) error {
		if s == "restore.staging" { // fill the file system after the space check
			fill(t, f.dep.Path)
		}
		return nil
	}
	_, err := f.r.Run(context.Background(), f.dep, f.backupID, Options{Mode: Full, Confirmed: true}, nil)
	if err == nil || !strings.Contains(err.Error(), "no space left on device") {
		t.Fatalf("got %v, want ENOSPC", err)
	}
	os.Remove(filepath.Join(f.dep.Path, "..", "filler"))
	if f.hash(t) != f.hBefore {
		t.Error("live files changed")
	}
	for _, c := range f.eng.Calls() {
		if c == "stop" {
			t.Errorf("containers stopped: %v", f.eng.Calls())
		}
	}
	if left := f.workLeft(t); len(left) != 0 {
		t.Errorf("staging left: %v", left)
	}
}
