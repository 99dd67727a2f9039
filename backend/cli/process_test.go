package cli

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"rewind/backend/backup"
	"rewind/backend/mounts/mounttest"
	"rewind/backend/proctest"
	"rewind/backend/store"
)

// runBin executes the built binary.
func runBin(t *testing.T, bin string, env []string, args ...string) result {
	t.Helper()
	r := proctest.Run(t, bin, env, args...)
	return result{r.Stdout, r.Stderr, r.Code}
}

func TestSecondProcessGetsInUse(t *testing.T) {
	bin := binary(t, "")
	state, proj := t.TempDir(), project(t)
	ok(t, state, "init", "--project", proj)
	st, err := store.Open(state, "")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r := runBin(t, bin, nil, "--state", state, "--project", proj, "backup", "list")
	want := fmt.Sprintf("catalog in use by PID %d", os.Getpid())
	if r.code == 0 || !strings.Contains(r.stderr, want) {
		t.Fatalf("second process: exit %d, stderr %q; want failure with %q", r.code, r.stderr, want)
	}
}

// checkInvariants asserts what a crash must never leave behind: no partial
// file, no in_progress record, and no completed record whose file is missing
// or differs from its SHA-256.
func checkInvariants(t *testing.T, state, proj string) {
	t.Helper()
	r := ok(t, state, "--json", "--project", proj, "backup", "list")
	var recs []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &recs); err != nil {
		t.Fatal(err)
	}
	for _, rec := range recs {
		switch rec["status"] {
		case "in_progress":
			t.Errorf("record #%v still in_progress after recovery", rec["id"])
		case "completed":
			p := rec["path"].(string)
			if _, err := os.Stat(p); err != nil {
				t.Errorf("completed record #%v: file missing: %v", rec["id"], err)
			} else if fileSHA(t, p) != rec["sha256"] {
				t.Errorf("completed record #%v: file differs from its sha256", rec["id"])
			}
		}
	}
	storage := filepath.Join(state, "backups", "shop")
	ents, _ := os.ReadDir(storage)
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".partial") {
			t.Errorf("partial file left: %s", e.Name())
		}
	}
}

// A backup killed at any of its steps and points (backup.Spec), followed by
// any command, leaves no partial file, no record in progress and no
// completed record without its file; a next backup succeeds. A point a
// plain backup does not reach (stopping) is reached with the services
// stopped, which needs a Docker engine.
func TestKillDuringBackupLeavesNoLie(t *testing.T) {
	bin := binary(t, "crashtest")
	plain := backupPoints(t, bin)
	for _, p := range backup.Spec.Names() {
		t.Run(p, func(t *testing.T) {
			state, proj := t.TempDir(), project(t)
			big := make([]byte, 4<<20) // enough bytes for a mid-stream progress report
			rand.Read(big)
			os.WriteFile(filepath.Join(proj, "data", "blob.bin"), big, 0o644)
			create := []string{"backup", "create"}
			if !plain[p] {
				if os.Getenv("DOCKER_HOST") == "" {
					if os.Getenv("REWIND_REQUIRE_DOCKER") == "1" {
						t.Fatal("REWIND_REQUIRE_DOCKER=1 but DOCKER_HOST is not set")
					}
					t.Skip(p + " is reached with the services stopped: it needs a Docker engine (DOCKER_HOST)")
				}
				// A project of its own on the engine: nothing of it runs.
				env := fmt.Sprintf("APP_VERSION=1.2.3\nCOMPOSE_PROJECT_NAME=rwkill%d\n", time.Now().UnixNano()%1e9)
				os.WriteFile(filepath.Join(proj, ".env"), []byte(env), 0o644)
				create = append(create, "--stop-services")
			}
			ok(t, state, "init", "--project", proj, "--name", "shop")
			r := runBin(t, bin, []string{"REWIND_CRASH_AT=" + p}, append([]string{"--state", state, "--project", proj}, create...)...)
			if r.code != -int(syscall.SIGKILL) {
				t.Fatalf("want the process killed at %s, got exit %d: %s", p, r.code, r.stderr)
			}
			// Any command afterwards runs recovery first.
			checkInvariants(t, state, proj)
			// And the deployment is usable again: a new backup succeeds.
			ok(t, state, append([]string{"--project", proj}, create...)...)
			checkInvariants(t, state, proj)
		})
	}
}

// backupPoints returns the crash points a plain backup reaches.
func backupPoints(t *testing.T, bin string) map[string]bool {
	t.Helper()
	state, proj := t.TempDir(), project(t)
	ok(t, state, "init", "--project", proj)
	list := filepath.Join(t.TempDir(), "points")
	if r := runBin(t, bin, []string{"REWIND_CRASH_LIST=" + list}, "--state", state, "--project", proj, "backup", "create"); r.code != 0 {
		t.Fatalf("backup create: %s", r.stderr)
	}
	b, err := os.ReadFile(list)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, p := range strings.Fields(string(b)) {
		out[p] = true
	}
	return out
}

func TestUnreadableFileFailsClearly(t *testing.T) {
	bin := binary(t, "")
	state, proj := t.TempDir(), project(t)
	secret := filepath.Join(proj, "data", "secret.key")
	os.WriteFile(secret, []byte("k"), 0o000)
	var env []string
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		// root reads everything: run Rewind as nobody over a tree nobody owns,
		// except the one file it may not read.
		const nobody = 65534
		for _, d := range []string{state, filepath.Dir(proj)} {
			os.Chmod(filepath.Dir(d), 0o755) // the test's temp root is private to root
			filepath.Walk(d, func(p string, _ os.FileInfo, _ error) error { return os.Lchown(p, nobody, nobody) })
		}
		os.Chown(secret, 0, 0)
		cred = &syscall.Credential{Uid: nobody, Gid: nobody}
		env = append(env, "HOME="+state)
	}
	exe := func(args ...string) result {
		cmd := exec.Command(bin, append([]string{"--state", state, "--project", proj}, args...)...)
		cmd.Env = append(os.Environ(), env...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		r := proctest.RunCmd(t, cmd)
		return result{r.Stdout, r.Stderr, r.Code}
	}
	if r := exe("init"); r.code != 0 {
		t.Fatalf("init: %s", r.stderr)
	}
	r := exe("backup", "create")
	if r.code == 0 || !strings.Contains(r.stderr, "data/secret.key") || !strings.Contains(r.stderr, "permission denied") {
		t.Fatalf("backup of an unreadable file: exit %d, stderr %q; want a failure naming data/secret.key", r.code, r.stderr)
	}
	if n := strings.Count(strings.TrimSpace(r.stderr), "\n"); n != 0 {
		t.Errorf("want a one-line error, got %q", r.stderr)
	}
	ents, _ := os.ReadDir(filepath.Join(state, "backups", "shop"))
	if len(ents) != 0 {
		t.Errorf("storage not empty after the failure: %v", ents)
	}
}

// tmpfs mounts a small tmpfs (root only) and unmounts it at the end.
func tmpfs(t *testing.T, size string) string {
	t.Helper()
	return mounttest.TempTmpfs(t, size)
}

func TestFullDisk(t *testing.T) {
	cases := []struct {
		name  string
		bytes int
		want  string
	}{
		{"refused by the preflight", 24 << 20, "not enough free space"},
		{"ENOSPC while writing", 10 << 20, "not enough free space"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storage := tmpfs(t, "8m")
			state, proj := t.TempDir(), project(t)
			blob := make([]byte, c.bytes) // random: does not compress
			rand.Read(blob)
			os.WriteFile(filepath.Join(proj, "data", "blob.bin"), blob, 0o644)
			ok(t, state, "init", "--project", proj, "--storage", storage)
			r := rewind(t, state, "--project", proj, "backup", "create")
			if r.code == 0 || !strings.Contains(r.stderr, c.want) {
				t.Fatalf("exit %d, stderr %q; want failure with %q", r.code, r.stderr, c.want)
			}
			ents, _ := os.ReadDir(storage)
			if len(ents) != 0 {
				t.Errorf("storage holds %v after the failure, want nothing", ents)
			}
			list := decode[[]map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "list").stdout)
			for _, rec := range list {
				if rec["status"] != "failed" {
					t.Errorf("record %v: want failed", rec)
				}
			}
		})
	}
}
