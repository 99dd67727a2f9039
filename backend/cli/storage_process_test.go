package cli

import (
	"crypto/rand"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"rewind/backend/proctest"
	"rewind/backend/store"
)

// runIn runs the binary with dir as its working directory, as an admin's shell would.
func runIn(t *testing.T, bin, dir string, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = os.Environ()
	r := proctest.RunCmd(t, cmd)
	return result{r.Stdout, r.Stderr, r.Code}
}

// storageOf is the storage directory `status` reports.
func storageOf(t *testing.T, state, proj string) string {
	t.Helper()
	st := decode[map[string]any](t, ok(t, state, "--json", "--project", proj, "status").stdout)
	return st["deployment"].(map[string]any)["storageDir"].(string)
}

// TestStorageMoveRefusesDangerousDestinations: an unset shell variable ("")
// or "." run from the project, a path that reaches the project through a
// symlink, another deployment's project, and the storage directory itself
// named through a link are refused, and nothing moves. A relative path from
// an ordinary directory works and is resolved against the working directory.
func TestStorageMoveRefusesDangerousDestinations(t *testing.T) {
	bin := binary(t, "")
	state, proj := t.TempDir(), project(t)
	ok(t, state, "init", "--project", proj)
	other := project(t)
	ok(t, state, "init", "--project", other, "--name", "other")
	rec := decode[map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "create").stdout)
	archive, storage := rec["path"].(string), storageOf(t, state, proj)

	outside := t.TempDir()
	intoProject := filepath.Join(outside, "into-project")
	if err := os.Symlink(filepath.Join(proj, "data"), intoProject); err != nil {
		t.Fatal(err)
	}
	storageLink := filepath.Join(outside, "storage-link")
	if err := os.Symlink(storage, storageLink); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, dir, dest, want string
	}{
		{"empty, from the project", proj, "", "empty"},
		{"blank, from the project", proj, "  ", "empty"},
		{"dot, from the project", proj, ".", "inside the project"},
		{"relative into the data", proj, "data/backups", "inside the project"},
		{"through a symlink", outside, filepath.Join(intoProject, "backups"), "inside the project"},
		{"the project root", outside, proj, "inside the project"},
		{"another deployment's project", outside, filepath.Join(other, "backups"), `deployment "other"`},
		{"the storage itself through a link", outside, storageLink, "already"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runIn(t, bin, c.dir, "--state", state, "--project", proj, "storage", "move", c.dest)
			if r.code == 0 || !strings.Contains(r.stderr, c.want) {
				t.Fatalf("storage move %q from %s: exit %d, stderr %q; want a refusal with %q", c.dest, c.dir, r.code, r.stderr, c.want)
			}
			if fileSHA(t, archive) != rec["sha256"] {
				t.Fatal("the archive changed")
			}
			if got := storageOf(t, state, proj); got != storage {
				t.Fatalf("storage is now %s, want %s unchanged", got, storage)
			}
			list := decode[[]map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "list").stdout)
			if len(list) != 1 || list[0]["path"] != archive || list[0]["fileExists"] != true {
				t.Fatalf("backup list after the refusal: %v", list)
			}
		})
	}
	for _, d := range []string{filepath.Join(proj, "data", "backups"), filepath.Join(proj, "backups")} {
		if _, err := os.Stat(d); !os.IsNotExist(err) {
			t.Errorf("a refused move created %s", d)
		}
	}

	// A relative destination from an ordinary directory is what an admin
	// means: resolved against the working directory and named in the output.
	r := runIn(t, bin, outside, "--state", state, "--project", proj, "storage", "move", "./archives")
	want := filepath.Join(outside, "archives")
	if r.code != 0 || !strings.Contains(r.stdout, want) {
		t.Fatalf("storage move ./archives: exit %d, stdout %q, stderr %q; want success naming %s", r.code, r.stdout, r.stderr, want)
	}
	if got := storageOf(t, state, proj); got != want {
		t.Errorf("storage is %s, want %s", got, want)
	}
	if fileSHA(t, filepath.Join(want, rec["name"].(string))) != rec["sha256"] {
		t.Error("moved archive differs")
	}
}

// backupsOf creates n backups of incompressible data of size bytes each and
// returns their records.
func backupsOf(t *testing.T, state, proj string, n, size int) []map[string]any {
	t.Helper()
	var recs []map[string]any
	for i := 0; i < n; i++ {
		blob := make([]byte, size)
		rand.Read(blob)
		if err := os.WriteFile(filepath.Join(proj, "data", "blob.bin"), blob, 0o644); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, decode[map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "create").stdout))
	}
	return recs
}

// TestStorageMoveOutOfSpace: four archives of 2.5 MiB do not fit an 8 MiB
// file system. The move is refused before anything moves; and when the check
// is forced past (a seam of the crashtest build, the only way to run out of
// space after a check passed), the failure says where each archive is,
// `backup list` finds every one, and `status` names the split.
func TestStorageMoveOutOfSpace(t *testing.T) {
	full := tmpfs(t, "8m")
	state, proj := t.TempDir(), project(t)
	ok(t, state, "init", "--project", proj)
	recs := backupsOf(t, state, proj, 4, 5<<19)
	storage := storageOf(t, state, proj)
	dest := filepath.Join(full, "archives")

	checkAll := func(t *testing.T) map[string][]string {
		t.Helper()
		list := decode[[]map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "list").stdout)
		if len(list) != len(recs) {
			t.Fatalf("backup list shows %d backups, want %d", len(list), len(recs))
		}
		byDir := map[string][]string{}
		slices.SortFunc(list, func(a, b map[string]any) int { return int(a["id"].(float64) - b["id"].(float64)) })
		for _, rec := range list {
			p := rec["path"].(string)
			if rec["fileExists"] != true || rec["status"] != "completed" || fileSHA(t, p) != rec["sha256"] {
				t.Errorf("backup #%v at %s: not a restorable copy: %v", rec["id"], p, rec)
			}
			byDir[filepath.Dir(p)] = append(byDir[filepath.Dir(p)], fmt.Sprintf("#%v", rec["id"]))
		}
		return byDir
	}

	t.Run("refused up front", func(t *testing.T) {
		r := rewind(t, state, "--project", proj, "storage", "move", dest)
		if r.code == 0 || !strings.Contains(r.stderr, "not enough free space") || !strings.Contains(r.stderr, "nothing was moved") {
			t.Fatalf("exit %d, stderr %q; want a refusal for space saying nothing was moved", r.code, r.stderr)
		}
		t.Log(r.stderr)
		if ents, _ := os.ReadDir(full); len(ents) != 0 {
			t.Errorf("the refused move left %v on the destination", ents)
		}
		if byDir := checkAll(t); len(byDir[storage]) != len(recs) {
			t.Errorf("archives by directory: %v; want all in %s", byDir, storage)
		}
	})

	t.Run("out of space part way", func(t *testing.T) {
		bin := binary(t, "crashtest")
		r := runBin(t, bin, []string{"REWIND_SKIP=storage.move.space"}, "--state", state, "--project", proj, "storage", "move", dest)
		if r.code == 0 || !strings.Contains(r.stderr, "not enough free space") {
			t.Fatalf("exit %d, stderr %q; want a failure for space", r.code, r.stderr)
		}
		t.Log(r.stderr)
		byDir := checkAll(t)
		if len(byDir[dest]) == 0 || len(byDir[storage]) == 0 {
			t.Fatalf("archives by directory: %v; want them split between %s and %s", byDir, dest, storage)
		}
		for dir, ids := range byDir {
			want := dir + " (" + strings.Join(ids, ", ") + ")"
			if !strings.Contains(r.stderr, want) {
				t.Errorf("the failure does not say %q: %s", want, r.stderr)
			}
		}
		ents, _ := os.ReadDir(dest)
		for _, e := range ents {
			if strings.HasSuffix(e.Name(), ".partial") {
				t.Errorf("partial file left: %s", e.Name())
			}
		}
		if got := storageOf(t, state, proj); got != storage {
			t.Errorf("storage is %s, want %s: new backups must go where there is space", got, storage)
		}
		st := ok(t, state, "--project", proj, "status").stdout
		want := fmt.Sprintf("%d archive(s) in %s", len(byDir[dest]), dest)
		if !strings.Contains(st, want) {
			t.Errorf("status does not say %q:\n%s", want, st)
		}

		// A catalog lost while the archives are split still finds every one:
		// the settings file lists the directories that hold them.
		if err := os.Truncate(filepath.Join(state, store.DBFileName), 0); err != nil {
			t.Fatal(err)
		}
		if r := ok(t, state, "--project", proj, "status"); !strings.Contains(r.stderr, "rebuilt") {
			t.Errorf("status on an empty catalog file: no rebuild reported: %s", r.stderr)
		}
		rebuilt := checkAll(t)
		for dir, ids := range byDir {
			if len(rebuilt[dir]) != len(ids) {
				t.Errorf("after the rebuild %s holds %v, want %d archives", dir, rebuilt[dir], len(ids))
			}
		}

		// Moving again to a directory with room finishes the job.
		roomy := filepath.Join(t.TempDir(), "archives")
		ok(t, state, "--project", proj, "storage", "move", roomy)
		if byDir := checkAll(t); len(byDir[roomy]) != len(recs) {
			t.Errorf("after the second move: %v; want all in %s", byDir, roomy)
		}
		if st := ok(t, state, "--project", proj, "status").stdout; strings.Contains(st, "archive(s) in") {
			t.Errorf("status still reports a split:\n%s", st)
		}
	})
}
