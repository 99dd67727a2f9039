package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"rewind/backend/proctest"
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
