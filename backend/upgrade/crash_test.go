//go:build integration

package upgrade

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
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

// TestKillAtEveryUpgradeStep kills rewind (SIGKILL) at every step and crash
// point the upgrade and rollback specs declare, then runs another command:
// after its recovery the deployment runs one version, the old or the new,
// with that version's .env and image; the history says which; nothing is
// left in progress; and a second start has nothing to do. The list comes
// from the specs, so a new step is killed at without a new case.
func TestKillAtEveryUpgradeStep(t *testing.T) {
	t.Parallel()
	eng := requireDocker(t)
	bin := crashBinary(t)
	type kill struct{ point, from, to string }
	var kills []kill
	for _, p := range append(UpgradeSpec.Names(), "upgrade.stop#2") {
		k := kill{p, "1", "2"} // a healthy target: the upgrade reaches done
		if p == "upgrade.rollback" || p == "upgrade.rollback-up" {
			k.from, k.to = "2", "3" // a target that crashes: the upgrade rolls back
		}
		kills = append(kills, k)
	}
	for _, p := range append(RollbackSpec.Names(), "rollback.rollback#2") {
		kills = append(kills, kill{p, "1", "2"}) // a one-click rollback of a good upgrade
	}
	for _, k := range kills {
		t.Run(k.point, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dir, project := deployForBinary(t, k.from)
			state := t.TempDir()
			base := []string{"--state", state, "--project", dir}
			if r := runBinary(t, bin, nil, append(base, "init")...); r.code != 0 {
				t.Fatalf("init: %d %s", r.code, r.stderr)
			}
			upgrade := append(base, "upgrade", "--to", k.to, "--health-window", "4s")
			crash := []string{"REWIND_CRASH_AT=" + k.point}
			if strings.HasPrefix(k.point, "rollback.") {
				if r := runBinary(t, bin, nil, upgrade...); r.code != 0 {
					t.Fatalf("the upgrade to roll back: exit %d: %s", r.code, r.stderr)
				}
				upgrade = append(base, "rollback", "--yes")
			}
			if r := runBinary(t, bin, crash, upgrade...); r.code != -int(syscall.SIGKILL) {
				t.Fatalf("want rewind killed at %s, got exit %d\nstdout %s\nstderr %s", k.point, r.code, r.stdout, r.stderr)
			}

			// Any command runs recovery first.
			r := runBinary(t, bin, nil, append(base, "--json", "status")...)
			if r.code != 0 {
				t.Fatalf("status after the crash: exit %d: %s", r.code, r.stderr)
			}
			t.Logf("recovery said: %s", r.stderr)
			var st struct {
				Version     string         `json:"version"`
				LastUpgrade *store.Upgrade `json:"lastUpgrade"`
			}
			if err := json.Unmarshal([]byte(r.stdout), &st); err != nil {
				t.Fatalf("status JSON: %v: %s", err, r.stdout)
			}
			// One version or the other, and the history agrees.
			var wantStatus []store.UpgradeStatus
			switch st.Version {
			case k.from:
				wantStatus = []store.UpgradeStatus{store.UpgradeFailed, store.UpgradeRolledBack}
			case k.to:
				wantStatus = []store.UpgradeStatus{store.UpgradeSucceeded}
			default:
				t.Fatalf("after recovery .env says version %q, neither %s nor %s", st.Version, k.from, k.to)
			}
			switch {
			case st.LastUpgrade == nil:
				if k.point != "upgrade.stop" || st.Version != k.from {
					t.Errorf("no upgrade recorded after a kill at %s (version %s)", k.point, st.Version)
				}
			case !slices.Contains(wantStatus, st.LastUpgrade.Status):
				t.Errorf("version %s runs, but the last upgrade is %s", st.Version, st.LastUpgrade.Status)
			}
			cs, err := eng.ProjectContainers(ctx, project)
			if err != nil {
				t.Fatal(err)
			}
			if len(cs) != 1 || !cs[0].Running || cs[0].Image != "rewind-svc:"+st.Version {
				t.Errorf("containers after recovery: %+v; want one running rewind-svc:%s", cs, st.Version)
			}
			// A second start has nothing left to do, and nothing is in progress.
			if r := runBinary(t, bin, nil, append(base, "status")...); strings.Contains(r.stderr, "recovered") {
				t.Errorf("second start recovered again: %s", r.stderr)
			}
			cat, err := store.Open(state, "test")
			if err != nil {
				t.Fatal(err)
			}
			defer cat.Close()
			if left, err := cat.UnfinishedOperations(ctx); err != nil || len(left) != 0 {
				t.Errorf("unfinished operations after recovery: %+v %v", left, err)
			}
			ups, err := cat.ListUpgrades(ctx, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, up := range ups {
				if up.Status == store.UpgradeRunning {
					t.Errorf("upgrade #%d still running after recovery", up.ID)
				}
			}
		})
	}
}
