//go:build integration

package upgrade

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"rewind/backend/store"
)

var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
	binOut  []byte
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// crashBinary builds rewind with the crashtest tag once per test run.
func crashBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "rewind-upg-bin-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "rewind")
		cmd := exec.Command("go", "build", "-tags", "crashtest", "-o", binPath, ".")
		cmd.Dir = filepath.Join("..", "..")
		binOut, binErr = cmd.CombinedOutput()
	})
	if binErr != nil {
		t.Fatalf("build rewind: %v\n%s", binErr, binOut)
	}
	return binPath
}

type binResult struct {
	stdout, stderr string
	code           int // -signal when killed
}

func runBinary(t *testing.T, bin string, env []string, args ...string) binResult {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			code = -int(ws.Signal())
		}
	} else if err != nil {
		t.Fatal(err)
	}
	return binResult{out.String(), errb.String(), code}
}

// TestKillDuringUpgrade kills rewind (SIGKILL at a crash point) during an
// upgrade, then runs another command: recovery at its start must leave the
// service on the old version, healthy, with the history and the admin told.
func TestKillDuringUpgrade(t *testing.T) {
	t.Parallel()
	eng := requireDocker(t)
	bin := crashBinary(t)
	cases := []struct {
		name, from, to, crash, window string
		atCrash                       string // the image running when rewind was killed, "" for none
	}{
		{"at the start of the health window", "1", "2", "upgrade.health", "20s", "rewind-svc:2"},
		{"while the new version is healthy", "1", "2", "upgrade.health.hold", "20s", "rewind-svc:2"},
		{"during the rollback, files restored", "2", "3", "upgrade.rollback-up", "4s", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dir, project := deployForBinary(t, c.from)
			env := readEnvFile(t, dir)
			state := t.TempDir()
			base := []string{"--state", state, "--project", dir}
			if r := runBinary(t, bin, nil, append(base, "init")...); r.code != 0 {
				t.Fatalf("init: %d %s", r.code, r.stderr)
			}
			r := runBinary(t, bin, []string{"REWIND_CRASH_AT=" + c.crash},
				append(base, "upgrade", "--to", c.to, "--health-window", c.window)...)
			if r.code != -int(syscall.SIGKILL) {
				t.Fatalf("want rewind killed at %s, got exit %d\nstdout %s\nstderr %s", c.crash, r.code, r.stdout, r.stderr)
			}
			var running []string
			cs, err := eng.ProjectContainers(ctx, project)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				if c.Running {
					running = append(running, c.Image)
				}
			}
			if got := strings.Join(running, ","); got != c.atCrash {
				t.Fatalf("running when killed: %q, want %q", got, c.atCrash)
			}

			// Any command runs recovery first.
			r = runBinary(t, bin, nil, append(base, "--json", "status")...)
			if r.code != 0 {
				t.Fatalf("status after the crash: exit %d: %s", r.code, r.stderr)
			}
			t.Logf("recovery said: %s", r.stderr)
			want := "rolled back to " + c.from + ", service healthy"
			if !strings.Contains(r.stderr, "recovered:") || !strings.Contains(r.stderr, want) {
				t.Errorf("stderr %q: want a recovery line saying %q", r.stderr, want)
			}
			var st struct {
				Version     string         `json:"version"`
				LastUpgrade *store.Upgrade `json:"lastUpgrade"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &st); err != nil {
				t.Fatalf("status JSON: %v: %s", err, r.stdout)
			}
			if st.Version != c.from || st.LastUpgrade == nil || st.LastUpgrade.Status != store.UpgradeRolledBack ||
				st.LastUpgrade.RollbackHealthy == nil || !*st.LastUpgrade.RollbackHealthy {
				t.Errorf("status: version %q, last upgrade %+v; want %s, rolled back and healthy", st.Version, st.LastUpgrade, c.from)
			}
			if got := readEnvFile(t, dir); got != env {
				t.Errorf(".env = %q, want %q as before", got, env)
			}
			cs, err = eng.ProjectContainers(ctx, project)
			if err != nil {
				t.Fatal(err)
			}
			if len(cs) != 1 || !cs[0].Running || cs[0].Image != "rewind-svc:"+c.from {
				t.Errorf("containers after recovery: %+v; want one running rewind-svc:%s", cs, c.from)
			}
			// A second start has nothing left to do.
			if r := runBinary(t, bin, nil, append(base, "status")...); strings.Contains(r.stderr, "recovered") {
				t.Errorf("second start recovered again: %s", r.stderr)
			}
		})
	}
}

func readEnvFile(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, ".env"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
