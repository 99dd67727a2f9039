//go:build integration

package upgrade

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"rewind/backend/proctest"
	"rewind/backend/store"
)

func TestMain(m *testing.M) { proctest.Main(m) }

// crashBinary builds rewind with the crashtest tag once per test run.
func crashBinary(t *testing.T) string { return proctest.Build(t, "crashtest") }

type binResult struct {
	stdout, stderr string
	code           int // -signal when killed
}

func runBinary(t *testing.T, bin string, env []string, args ...string) binResult {
	t.Helper()
	r := proctest.Run(t, bin, env, args...)
	return binResult{r.Stdout, r.Stderr, r.Code}
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
