package cli

import (
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"rewind/backend/proctest"
)

// okBin runs the binary with --state and fails the test unless it exits 0.
func okBin(t *testing.T, bin, state string, args ...string) result {
	t.Helper()
	r := runBin(t, bin, nil, append([]string{"--state", state}, args...)...)
	if r.code != 0 {
		t.Fatalf("rewind %v: exit %d\nstdout: %s\nstderr: %s", args, r.code, r.stdout, r.stderr)
	}
	return r
}

type backupRecord struct {
	ID         int64  `json:"id"`
	Size       int64  `json:"size"`
	Path       string `json:"path"`
	FileExists bool   `json:"fileExists"`
}

type entry struct {
	Path string `json:"path"`
}

func archivedPaths(t *testing.T, bin, state, proj string, id int64) string {
	t.Helper()
	det := decode[struct {
		Entries []entry `json:"entries"`
	}](t, okBin(t, bin, state, "--json", "--project", proj, "backup", "show", strconv.FormatInt(id, 10)).stdout)
	var b strings.Builder
	for _, e := range det.Entries {
		b.WriteString(e.Path + "\n")
	}
	return b.String()
}

// A project named through a symlink, with its storage (and Rewind's state)
// inside it, keeps both out of its archives: the second backup is not the
// first one plus a copy of the first, and a full restore leaves every
// archive in place.
func TestSymlinkedProjectKeepsStorageOutOfArchives(t *testing.T) {
	bin := binary(t, "")
	for _, inside := range []string{"storage", "state"} {
		t.Run(inside, func(t *testing.T) {
			proj := project(t)
			blob := make([]byte, 1<<20)
			rand.Read(blob)
			os.WriteFile(filepath.Join(proj, "data", "blob.bin"), blob, 0o644)
			link := filepath.Join(t.TempDir(), "shop-link")
			if err := os.Symlink(proj, link); err != nil {
				t.Fatal(err)
			}
			state, storage := t.TempDir(), filepath.Join(t.TempDir(), "backups")
			if inside == "state" {
				state = filepath.Join(link, "rewind-state")
			} else {
				storage = filepath.Join(link, "backups")
			}
			okBin(t, bin, state, "init", "--project", link, "--storage", storage)
			first := decode[backupRecord](t, okBin(t, bin, state, "--json", "--project", link, "backup", "create").stdout)
			second := decode[backupRecord](t, okBin(t, bin, state, "--json", "--project", link, "backup", "create").stdout)
			if second.Size > first.Size+first.Size/2 {
				t.Errorf("second backup %d bytes, first %d: the second holds the first", second.Size, first.Size)
			}
			if got := archivedPaths(t, bin, state, link, second.ID); strings.Contains(got, "backups/") || strings.Contains(got, "rewind-state/") {
				t.Errorf("archive holds the storage or state directory:\n%s", got)
			}
			r := runBin(t, bin, nil, "--state", state, "--project", link, "backup", "restore", strconv.FormatInt(first.ID, 10), "--mode", "full", "--yes")
			if r.code != 0 {
				t.Fatalf("full restore: exit %d: %s", r.code, r.stderr)
			}
			recs := decode[[]backupRecord](t, okBin(t, bin, state, "--json", "--project", link, "backup", "list").stdout)
			for _, rec := range recs {
				if !rec.FileExists {
					t.Errorf("after a full restore, backup #%d's file is missing: %s", rec.ID, rec.Path)
				}
			}
		})
	}
}

// A state directory below a top-level entry of the project cannot be kept
// by a restore that replaces that entry (the open catalog would move): the
// restore is refused before anything changes, and init says so up front.
func TestRestoreRefusesNestedStateDirectory(t *testing.T) {
	bin := binary(t, "")
	proj := project(t)
	state := filepath.Join(proj, "app", "rewind-state")
	r := okBin(t, bin, state, "init", "--project", proj)
	if !strings.Contains(r.stderr, "restore of this deployment would be refused as it is now") || !strings.Contains(r.stderr, "lies inside app of the project") {
		t.Errorf("init stderr %q: want a warning that a restore would be refused", r.stderr)
	}
	rec := decode[backupRecord](t, okBin(t, bin, state, "--json", "--project", proj, "backup", "create").stdout)
	before := fileSHA(t, filepath.Join(proj, "app", "config.toml"))
	os.WriteFile(filepath.Join(proj, "app", "config.toml"), []byte("changed\n"), 0o644)
	r = runBin(t, bin, nil, "--state", state, "--project", proj, "backup", "restore", strconv.FormatInt(rec.ID, 10), "--mode", "full", "--yes")
	if r.code == 0 || !strings.Contains(r.stderr, "would have to move the open catalog") {
		t.Fatalf("full restore with the state in app/: exit %d, stderr %q; want a refusal", r.code, r.stderr)
	}
	if got := fileSHA(t, filepath.Join(proj, "app", "config.toml")); got == before {
		t.Errorf("the refused restore changed app/config.toml")
	}
	okBin(t, bin, state, "--project", proj, "backup", "list") // the catalog is intact
}

// A storage directory that is the project, or holds it, is refused at init
// and nothing is saved.
func TestInitRefusesStorageThatHoldsTheProject(t *testing.T) {
	bin := binary(t, "")
	proj := project(t)
	link := filepath.Join(t.TempDir(), "shop-link")
	if err := os.Symlink(proj, link); err != nil {
		t.Fatal(err)
	}
	for _, storage := range []string{proj, link, filepath.Dir(proj)} {
		state := t.TempDir()
		r := runBin(t, bin, nil, "--state", state, "init", "--project", link, "--storage", storage)
		if r.code == 0 || !strings.Contains(r.stderr, "is the project directory or contains it") {
			t.Errorf("init --storage %s: exit %d, stderr %q; want a refusal naming the reason", storage, r.code, r.stderr)
		}
		if r := runBin(t, bin, nil, "--state", state, "--project", link, "status"); r.code == 0 {
			t.Errorf("init --storage %s was refused but the deployment was saved", storage)
		}
	}
}

// `--exclude '**/*.log'` is a glob: every .log file stays out of the archive.
// Excludes and data paths that match nothing are accepted with a warning.
func TestExcludeGlobsAndWarnings(t *testing.T) {
	bin := binary(t, "")
	state, proj := t.TempDir(), project(t)
	for _, f := range []string{"app/server.log", "data/db/query.log", "top.log"} {
		os.WriteFile(filepath.Join(proj, filepath.FromSlash(f)), []byte("log\n"), 0o644)
	}
	r := okBin(t, bin, state, "init", "--project", proj, "--exclude", "**/*.log", "--exclude", "*.tmp", "--data", "data", "--data", "uploads")
	for _, want := range []string{`exclude "*.tmp" matches nothing`, `data path "uploads" does not exist`} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("init stderr %q: missing warning %q", r.stderr, want)
		}
	}
	rec := decode[backupRecord](t, okBin(t, bin, state, "--json", "--project", proj, "backup", "create").stdout)
	got := archivedPaths(t, bin, state, proj, rec.ID)
	if strings.Contains(got, ".log\n") {
		t.Errorf("archive holds .log files despite --exclude '**/*.log':\n%s", got)
	}
	if !strings.Contains(got, "data/db/users.json\n") || !strings.Contains(got, "data/log.txt\n") {
		t.Errorf("archive lacks files no exclude matches:\n%s", got)
	}
}

// Patterns are anchored at the project: '*.log' excludes the .log files at
// its top, and says nothing is wrong, since it matches.
func TestExcludeGlobIsAnchored(t *testing.T) {
	bin := binary(t, "")
	state, proj := t.TempDir(), project(t)
	for _, f := range []string{"app/server.log", "top.log"} {
		os.WriteFile(filepath.Join(proj, filepath.FromSlash(f)), []byte("log\n"), 0o644)
	}
	r := okBin(t, bin, state, "init", "--project", proj, "--exclude", "*.log")
	if strings.Contains(r.stderr, "matches nothing") {
		t.Errorf("init warns about a matching exclude: %q", r.stderr)
	}
	rec := decode[backupRecord](t, okBin(t, bin, state, "--json", "--project", proj, "backup", "create").stdout)
	got := archivedPaths(t, bin, state, proj, rec.ID)
	if strings.Contains(got, "top.log\n") || !strings.Contains(got, "app/server.log\n") {
		t.Errorf("--exclude '*.log' should leave out top.log only:\n%s", got)
	}
}

// What a glob exclude matches is left alone by a full restore too: the live
// .log files written after the backup are still there, unchanged.
func TestFullRestoreKeepsGlobExcludedFiles(t *testing.T) {
	bin := binary(t, "")
	state, proj := t.TempDir(), project(t)
	okBin(t, bin, state, "init", "--project", proj, "--exclude", "**/*.log")
	rec := decode[backupRecord](t, okBin(t, bin, state, "--json", "--project", proj, "backup", "create").stdout)
	logs := map[string]string{"top.log": "top\n", "app/server.log": "server\n", "data/db/query.log": "query\n"}
	for f, body := range logs {
		os.WriteFile(filepath.Join(proj, filepath.FromSlash(f)), []byte(body), 0o644)
	}
	os.WriteFile(filepath.Join(proj, "app", "config.toml"), []byte("changed\n"), 0o644)
	okBin(t, bin, state, "--project", proj, "backup", "restore", strconv.FormatInt(rec.ID, 10), "--mode", "full", "--yes")
	if b, _ := os.ReadFile(filepath.Join(proj, "app", "config.toml")); string(b) != "port = 8080\n" {
		t.Errorf("app/config.toml not restored: %q", b)
	}
	for f, body := range logs {
		if b, err := os.ReadFile(filepath.Join(proj, filepath.FromSlash(f))); err != nil || string(b) != body {
			t.Errorf("%s after the restore: %q, %v; want it kept as %q", f, b, err, body)
		}
	}
}

// A data path that is a symlink to a directory outside the project is
// refused at init, and when it becomes one later every backup says so.
func TestDataPathLinkedOutsideIsReported(t *testing.T) {
	bin := binary(t, "")
	state, proj := t.TempDir(), project(t)
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "pg.dat"), []byte("rows"), 0o644)
	os.Symlink(outside, filepath.Join(proj, "pgdata"))
	r := runBin(t, bin, nil, "--state", state, "init", "--project", proj, "--data", "pgdata")
	if r.code == 0 || !strings.Contains(r.stderr, "outside the project") {
		t.Errorf("init --data pgdata (a link outside): exit %d, stderr %q; want a refusal saying so", r.code, r.stderr)
	}
	okBin(t, bin, state, "init", "--project", proj)
	os.RemoveAll(filepath.Join(proj, "data"))
	os.Symlink(outside, filepath.Join(proj, "data"))
	r = okBin(t, bin, state, "--json", "--project", proj, "backup", "create")
	if !strings.Contains(r.stderr, `data path "data" is a symlink to `+outside) {
		t.Errorf("backup stderr %q: want a warning that the data path is a link to %s", r.stderr, outside)
	}
	// A data restore of that backup would change nothing: it is refused, not reported as done.
	id := strconv.FormatInt(decode[backupRecord](t, r.stdout).ID, 10)
	r = runBin(t, bin, nil, "--state", state, "--project", proj, "backup", "restore", id, "--mode", "data", "--yes")
	if r.code == 0 || !strings.Contains(r.stderr, "holds the data paths only as symlinks, not their data: data (a symlink to "+outside+")") {
		t.Errorf("data restore of a backup holding only the link: exit %d, stderr %q; want a refusal", r.code, r.stderr)
	}
}

// A data restore of a backup taken while the data path did not exist is
// refused instead of reporting success.
func TestDataRestoreOfBackupWithoutDataIsRefused(t *testing.T) {
	bin := binary(t, "")
	state, proj := t.TempDir(), project(t)
	okBin(t, bin, state, "init", "--project", proj, "--data", "data", "--data", "uploads")
	os.RemoveAll(filepath.Join(proj, "data"))
	rec := decode[backupRecord](t, okBin(t, bin, state, "--json", "--project", proj, "backup", "create").stdout)
	r := runBin(t, bin, nil, "--state", state, "--project", proj, "backup", "restore", strconv.FormatInt(rec.ID, 10), "--mode", "data", "--yes")
	if r.code == 0 || !strings.Contains(r.stderr, "holds nothing under the data paths data, uploads") {
		t.Errorf("data restore of a backup without data: exit %d, stderr %q; want a refusal", r.code, r.stderr)
	}
	// With data in the backup, a data restore works.
	os.MkdirAll(filepath.Join(proj, "data"), 0o755)
	os.WriteFile(filepath.Join(proj, "data", "rows"), []byte("1"), 0o644)
	rec = decode[backupRecord](t, okBin(t, bin, state, "--json", "--project", proj, "backup", "create").stdout)
	okBin(t, bin, state, "--project", proj, "backup", "restore", strconv.FormatInt(rec.ID, 10), "--mode", "data", "--yes")
}

// runWithin runs the binary and fails the test if it has not exited after d
// (the process is then killed).
func runWithin(t *testing.T, d time.Duration, bin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	timer := time.AfterFunc(d, func() { cmd.Process.Kill() })
	defer timer.Stop()
	start := time.Now()
	r := proctest.RunCmd(t, cmd)
	if time.Since(start) >= d {
		t.Fatalf("rewind %v still running after %s (killed)", args, d)
	}
	return result{r.Stdout, r.Stderr, r.Code}
}

// A .env starting with a UTF-8 byte-order mark is what Compose accepts, and
// so does init.
func TestInitAcceptsEnvWithByteOrderMark(t *testing.T) {
	bin := binary(t, "")
	state, proj := t.TempDir(), project(t)
	os.WriteFile(filepath.Join(proj, ".env"), []byte("\xEF\xBB\xBFAPP_VERSION=1.2.3\n"), 0o644)
	okBin(t, bin, state, "init", "--project", proj)
	if r := okBin(t, bin, state, "--project", proj, "status"); !strings.Contains(r.stdout, "Version     1.2.3") {
		t.Errorf("status with a BOM .env:\n%s", r.stdout)
	}
}

// A .env that is a named pipe nobody writes would block open(2) forever with
// the catalog locked. init refuses it at once; a backup does not hang.
func TestNamedPipeEnvDoesNotHang(t *testing.T) {
	bin := binary(t, "")
	state, proj := t.TempDir(), project(t)
	env := filepath.Join(proj, ".env")
	os.Remove(env)
	if err := syscall.Mkfifo(env, 0o600); err != nil {
		t.Fatal(err)
	}
	r := runWithin(t, 20*time.Second, bin, "--state", state, "init", "--project", proj)
	if r.code == 0 || !strings.Contains(r.stderr, "not a regular file (it is a named pipe)") {
		t.Errorf("init with a named-pipe .env: exit %d, stderr %q; want a refusal naming the pipe", r.code, r.stderr)
	}
	os.Remove(env)
	os.WriteFile(env, []byte("APP_VERSION=1\n"), 0o644)
	okBin(t, bin, state, "init", "--project", proj)
	os.Remove(env)
	syscall.Mkfifo(env, 0o600)
	r = runWithin(t, 20*time.Second, bin, "--state", state, "--project", proj, "backup", "create")
	if r.code != 0 || !strings.Contains(r.stderr, ".env") {
		t.Errorf("backup with a named-pipe .env: exit %d, stderr %q; want a backup that says it skipped .env", r.code, r.stderr)
	}
}
