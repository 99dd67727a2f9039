package upgrade

import (
	"path/filepath"
	"rewind/backend/op/optest"
	"strings"
	"testing"
	"time"

	"rewind/backend/compose"
	"rewind/backend/op"
	"rewind/backend/store"
)

// crashAt runs fn and stops it at the crash point named point ("kind.step",
// or "kind.step#n" for its n-th hit), through the kernel's hook.
func (f *unit) crashAt(point string, fn func()) {
	f.t.Helper()
	if !optest.Crash(f.u.Kernel, point, fn) {
		f.t.Fatalf("the operation never reached %s", point)
	}
}

// recover runs what a start runs: the kernel's recovery, with the
// restorer's and the upgrader's recoverers registered.
func (f *unit) recover() ([]string, error) {
	k := op.New(f.st)
	k.Register(f.restorer.Recoverer())
	for _, r := range f.u.Recoverers() {
		k.Register(r)
	}
	return k.Recover(f.ctx)
}

func (f *unit) versionWriter() {
	f.cmp.after = func(dir string) {
		env, _ := compose.ReadEnv(filepath.Join(dir, ".env"))
		writeFile(f.t, filepath.Join(dir, "data", "db.txt"), "written by version "+env["APP_VERSION"]+"\n")
	}
}

func TestRecoverAfterCrash(t *testing.T) {
	cases := []struct {
		point      string // a crash point, "#n" for its n-th hit
		to         string
		noRollback bool
		rollback   bool // crash in a one-click rollback after a successful upgrade
		// want after recovery; status "" for no upgrade recorded
		status                store.UpgradeStatus
		env, runs, data, line string
	}{
		{point: "upgrade.stop", to: "2", status: "", env: "1", runs: "shop:1", data: "1",
			line: "interrupted before anything changed"},
		{point: "upgrade.stop#2", to: "2", status: store.UpgradeFailed, env: "1", runs: "shop:1", data: "1",
			line: "interrupted before anything changed"},
		{point: "upgrade.backup", to: "2", status: store.UpgradeFailed, env: "1", runs: "shop:1", data: "1",
			line: "interrupted before anything changed"},
		{point: "upgrade.pin", to: "2", status: store.UpgradeFailed, env: "1", runs: "shop:1", data: "1",
			line: "interrupted before anything changed"},
		{point: "upgrade.env", to: "2", status: store.UpgradeFailed, env: "1", runs: "shop:1", data: "1",
			line: "set back to 1"},
		{point: "upgrade.up", to: "2", status: store.UpgradeRolledBack, env: "1", runs: "shop:1", data: "1",
			line: "rolled back to 1, service healthy"},
		{point: "upgrade.health", to: "2", status: store.UpgradeRolledBack, env: "1", runs: "shop:1", data: "1",
			line: "rolled back to 1, service healthy"},
		{point: "upgrade.health.hold", to: "2", status: store.UpgradeRolledBack, env: "1", runs: "shop:1", data: "1",
			line: "rolled back to 1, service healthy"},
		{point: "upgrade.done", to: "2", status: store.UpgradeSucceeded, env: "2", runs: "shop:2", data: "2",
			line: "recorded as succeeded"},
		{point: "upgrade.rollback", to: "3", status: store.UpgradeRolledBack, env: "1", runs: "shop:1", data: "1",
			line: "rolled back to 1, service healthy"},
		{point: "upgrade.rollback-up", to: "3", status: store.UpgradeRolledBack, env: "1", runs: "shop:1", data: "1",
			line: "rolled back to 1, service healthy"},
		{point: "upgrade.health", to: "2", noRollback: true, status: store.UpgradeFailed, env: "2", runs: "shop:2", data: "2",
			line: "needs attention"},
		{point: "rollback.rollback", to: "2", rollback: true, status: store.UpgradeSucceeded, env: "2", runs: "shop:2", data: "2",
			line: "interrupted before anything changed"},
		{point: "rollback.rollback#2", to: "2", rollback: true, status: store.UpgradeRolledBack, env: "1", runs: "shop:1", data: "1",
			line: "rolled back to 1, service healthy"},
		{point: "rollback.rollback-up", to: "2", rollback: true, status: store.UpgradeRolledBack, env: "1", runs: "shop:1", data: "1",
			line: "rolled back to 1, service healthy"},
	}
	// Every step and crash point of both specs has a case: a new step
	// without one fails here.
	covered := map[string]bool{}
	for _, c := range cases {
		covered[strings.Split(c.point, "#")[0]] = true
	}
	for _, name := range append(UpgradeSpec.Names(), RollbackSpec.Names()...) {
		if !covered[name] {
			t.Errorf("crash point %s has no case", name)
		}
	}
	for _, c := range cases {
		name := c.point
		if c.noRollback {
			name += " --no-rollback"
		}
		t.Run(name, func(t *testing.T) {
			f := newUnit(t)
			f.versionWriter()
			req := Request{To: c.to, NoRollback: c.noRollback, HealthWindow: 10 * time.Millisecond}
			if c.rollback {
				if _, err := f.u.Upgrade(f.ctx, f.dep, req, nil); err != nil {
					t.Fatal(err)
				}
				f.crashAt(c.point, func() { f.u.Rollback(f.ctx, f.dep, 0, nil) })
			} else {
				f.crashAt(c.point, func() { f.u.Upgrade(f.ctx, f.dep, req, nil) })
			}
			lines, err := f.recover()
			if err != nil {
				t.Fatalf("recover: %v (lines %q)", err, lines)
			}
			if !strings.Contains(strings.Join(lines, "\n"), c.line) {
				t.Errorf("recovery said %q, want %q", lines, c.line)
			}
			ups := f.history()
			if c.status == "" && len(ups) != 0 || c.status != "" && (len(ups) != 1 || ups[0].Status != c.status) {
				t.Fatalf("history %+v, want status %q", ups, c.status)
			}
			if got, want := f.read(".env"), "# shop\nAPP_VERSION="+c.env+"\n"; got != want {
				t.Errorf(".env = %q, want %q", got, want)
			}
			if got := f.eng.running()["web"]; got != c.runs {
				t.Errorf("web runs %q, want %q", got, c.runs)
			}
			if got, want := f.read("data/db.txt"), "written by version "+c.data+"\n"; got != want {
				t.Errorf("data = %q, want %q", got, want)
			}
			if ops, _ := f.st.UnfinishedOperations(f.ctx); len(ops) != 0 {
				t.Errorf("operations left running: %+v", ops)
			}
			if again, err := f.recover(); err != nil || len(again) != 0 {
				t.Errorf("a second recovery did %q, %v; want nothing", again, err)
			}
		})
	}
}

func TestRecoverWaitsForDocker(t *testing.T) {
	f := newUnit(t)
	f.versionWriter()
	f.crashAt("upgrade.health", func() { f.u.Upgrade(f.ctx, f.dep, Request{To: "2", HealthWindow: time.Millisecond}, nil) })
	f.dockerDown = true
	if _, err := f.recover(); err == nil || !strings.Contains(err.Error(), "Docker is unreachable") {
		t.Fatalf("recover without Docker: %v, want a clear error", err)
	}
	if ops, _ := f.st.UnfinishedOperations(f.ctx); len(ops) != 1 {
		t.Fatalf("the journal must keep the operation for the next start, got %d", len(ops))
	}
	f.dockerDown = false
	lines, err := f.recover()
	if err != nil || !strings.Contains(strings.Join(lines, ";"), "rolled back to 1") {
		t.Fatalf("recover with Docker back: %q, %v", lines, err)
	}
	if got := f.eng.running()["web"]; got != "shop:1" {
		t.Errorf("web runs %s", got)
	}
}

func TestRecoverOrphanRow(t *testing.T) {
	f := newUnit(t)
	id, err := f.st.InsertUpgrade(f.ctx, store.Upgrade{DeploymentID: f.dep.ID, FromVersion: "1", ToVersion: "2"})
	if err != nil {
		t.Fatal(err)
	}
	lines, err := f.recover()
	if err != nil || len(lines) != 1 {
		t.Fatalf("recover: %q, %v", lines, err)
	}
	up, _ := f.st.GetUpgrade(f.ctx, id)
	if up.Status != store.UpgradeFailed {
		t.Errorf("orphan row status %s, want failed", up.Status)
	}
}
