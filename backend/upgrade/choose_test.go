package upgrade

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/distribution/reference"

	"rewind/backend/deployment"
	"rewind/backend/docker"
	"rewind/backend/store"
)

func TestPinRef(t *testing.T) {
	cases := []struct {
		project, service string
		id               int64
		want             string
	}{
		{"shop", "web", 7, "rewind-pin/shop-web:upgrade-7"},
		{"my_shop", "Web.API", 12, "rewind-pin/my-shop-web-api:upgrade-12"},
		{"__", "--", 1, "rewind-pin/x:upgrade-1"},
		{"a", strings.Repeat("s", 300), 1, "rewind-pin/a-" + strings.Repeat("s", 118) + ":upgrade-1"},
	}
	for _, c := range cases {
		got := PinRef(c.project, c.service, c.id)
		if got != c.want {
			t.Errorf("PinRef(%q, %q, %d) = %q, want %q", c.project, c.service, c.id, got, c.want)
		}
		if _, err := reference.ParseNormalizedNamed(got); err != nil {
			t.Errorf("PinRef(%q, %q) = %q: not a valid reference: %v", c.project, c.service, got, err)
		}
	}
}

func TestChooseUpgrade(t *testing.T) {
	yes, no := true, false
	up := func(id int64, from, to string, status store.UpgradeStatus, healthy *bool) store.Upgrade {
		return store.Upgrade{ID: id, FromVersion: from, ToVersion: to, Status: status, BackupID: id * 10, RollbackHealthy: healthy}
	}
	cases := []struct {
		name    string
		ups     []store.Upgrade // newest first
		current string
		id      int64
		want    int64
		err     error
	}{
		{"newest succeeded in effect", []store.Upgrade{up(2, "2", "3", "succeeded", nil), up(1, "1", "2", "succeeded", nil)}, "3", 0, 2, nil},
		{"skips rolled back ones", []store.Upgrade{up(3, "2", "3", "rolled_back", &yes), up(2, "1", "2", "succeeded", nil)}, "2", 0, 2, nil},
		{"skips failures that changed nothing", []store.Upgrade{up(3, "2", "9", "failed", nil), up(2, "1", "2", "succeeded", nil)}, "2", 0, 2, nil},
		{"failed with --no-rollback is in effect", []store.Upgrade{up(3, "2", "4", "failed", nil), up(2, "1", "2", "succeeded", nil)}, "4", 0, 3, nil},
		{"a failed rollback may be tried again", []store.Upgrade{up(3, "2", "4", "rollback_failed", &no)}, "2", 0, 3, nil},
		{"succeeded but .env moved on", []store.Upgrade{up(2, "1", "2", "succeeded", nil)}, "5", 0, 0, ErrNotInEffect},
		{"nothing to roll back", []store.Upgrade{up(1, "1", "2", "rolled_back", &yes)}, "1", 0, 0, ErrNothingToRollBack},
		{"no upgrades", nil, "1", 0, 0, ErrNothingToRollBack},
		{"named", []store.Upgrade{up(2, "2", "3", "rolled_back", &yes), up(1, "1", "2", "succeeded", nil)}, "2", 1, 1, nil},
		{"named, already rolled back", []store.Upgrade{up(2, "2", "3", "rolled_back", &yes)}, "2", 2, 0, ErrNotInEffect},
		{"named, unknown", []store.Upgrade{up(2, "2", "3", "succeeded", nil)}, "3", 9, 0, ErrNothingToRollBack},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := chooseUpgrade(c.ups, c.current, c.id)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("err = %v, want %v", err, c.err)
				}
				return
			}
			if err != nil || got.ID != c.want {
				t.Fatalf("chose #%d (%v), want #%d", got.ID, err, c.want)
			}
		})
	}
}

// fallbackToFirstUpgrade runs two upgrades from version 1 to 2, the first
// rolled back, the second successful; then it removes the second's backup
// file. It returns the first upgrade's backup, the one a rollback falls back to.
func (f *unit) fallbackToFirstUpgrade() int64 {
	f.t.Helper()
	f.eng.unhealthy["sha256:shop2"] = true
	if _, err := f.u.Upgrade(f.ctx, f.dep, Request{To: "2", HealthWindow: time.Millisecond}, nil); err == nil {
		f.t.Fatal("want the first upgrade to fail")
	}
	delete(f.eng.unhealthy, "sha256:shop2")
	res, err := f.u.Upgrade(f.ctx, f.dep, Request{To: "2", HealthWindow: time.Millisecond}, nil)
	if err != nil {
		f.t.Fatal(err)
	}
	first := f.history()[1].BackupID
	if err := os.Remove(res.Backup.Path); err != nil {
		f.t.Fatal(err)
	}
	return first
}

func TestRollbackBackupFallback(t *testing.T) {
	f := newUnit(t)
	first := f.fallbackToFirstUpgrade()
	plan, err := f.u.PlanRollback(f.ctx, f.dep, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !plan.BackupFallback || plan.BackupID != first {
		t.Errorf("plan uses backup #%d (fallback %v), want the first upgrade's #%d", plan.BackupID, plan.BackupFallback, first)
	}
	// With no usable pre-upgrade backup of version 1 at all, it refuses.
	bs, _ := f.st.ListBackups(f.ctx, f.dep.ID)
	for _, b := range bs {
		if b.Version == "1" && b.Type == "pre-upgrade" {
			os.Remove(b.Path)
		}
	}
	if _, err := f.u.PlanRollback(f.ctx, f.dep, 0); !errors.Is(err, ErrNoBackup) {
		t.Errorf("without backups: %v, want ErrNoBackup", err)
	}
}

func TestChanged(t *testing.T) {
	t0 := time.Unix(1000, 0)
	up := docker.Container{ID: "a", Service: "web", State: "running", Running: true, StartedAt: t0}
	oneShot := docker.Container{ID: "b", Service: "init", State: "exited", ExitCode: 0}
	with := func(c docker.Container, f func(*docker.Container)) docker.Container { f(&c); return c }
	cases := []struct {
		name string
		cur  []docker.Container
		want string // reason, "" for unchanged
	}{
		{"unchanged", []docker.Container{up, oneShot}, ""},
		{"replaced", []docker.Container{with(up, func(c *docker.Container) { c.ID = "z" }), oneShot}, "removed or replaced"},
		{"restarted", []docker.Container{with(up, func(c *docker.Container) { c.RestartCount = 1 }), oneShot}, "restarted"},
		{"restarting", []docker.Container{with(up, func(c *docker.Container) { c.Restarting = true }), oneShot}, "restarting"},
		{"exited", []docker.Container{with(up, func(c *docker.Container) { c.Running, c.State, c.ExitCode = false, "exited", 1 }), oneShot}, "exit code 1"},
		{"unhealthy", []docker.Container{with(up, func(c *docker.Container) { c.Health = "unhealthy" }), oneShot}, "unhealthy"},
		{"one-shot stays exited", []docker.Container{up, oneShot}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bad := changed([]docker.Container{up, oneShot}, c.cur)
			got := ""
			if len(bad) > 0 {
				got = bad[0].Reason
			}
			if c.want == "" && got != "" || c.want != "" && !strings.Contains(got, c.want) {
				t.Errorf("changed: %q, want %q", got, c.want)
			}
		})
	}
}

func TestRollbackThatCannotRestoreChangesNothing(t *testing.T) {
	f := newUnit(t)
	if _, err := f.u.Upgrade(f.ctx, f.dep, Request{To: "2", HealthWindow: time.Millisecond}, nil); err != nil {
		t.Fatal(err)
	}
	f.restoreErr = errors.New("archive unreadable")
	_, err := f.u.Rollback(f.ctx, f.dep, 0, nil)
	if err == nil || !strings.Contains(err.Error(), "before anything changed") {
		t.Fatalf("rollback: %v; want a failure that changed nothing", err)
	}
	if got := f.eng.running()["web"]; got != "shop:2" {
		t.Errorf("web runs %q, want shop:2 running again", got)
	}
	if up := f.history()[0]; up.Status != store.UpgradeSucceeded || up.RollbackHealthy != nil {
		t.Errorf("history %+v: the upgrade is still in effect", up)
	}
	if ops, _ := f.st.UnfinishedOperations(f.ctx); len(ops) != 0 {
		t.Errorf("operations left running: %+v", ops)
	}
}

// The fallback of a rollback is the newest pre-upgrade backup of the version
// in the order this catalog recorded them: an archive imported earlier with a
// creation time in the future must not win over one Rewind made since.
func TestRollbackFallbackIgnoresFutureDatedImport(t *testing.T) {
	f := newUnit(t)
	imported := filepath.Join(f.dep.StorageDir, "imported.tar.gz")
	writeFile(t, imported, "imported")
	if _, err := f.st.InsertCompletedBackup(f.ctx, store.Backup{DeploymentID: f.dep.ID, Name: "imported.tar.gz",
		Type: "pre-upgrade", Version: "1", Path: imported, CreatedAt: time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)}, nil); err != nil {
		t.Fatal(err)
	}
	first := f.fallbackToFirstUpgrade()
	plan, err := f.u.PlanRollback(f.ctx, f.dep, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !plan.BackupFallback || plan.BackupID != first {
		t.Errorf("plan uses backup #%d %s (fallback %v), want the first upgrade's #%d", plan.BackupID, plan.BackupName, plan.BackupFallback, first)
	}
}

// An upgrade to a version longer than an archive's manifest may carry is
// refused before anything changes: the next backup would hold it, and
// Rewind's own import and rebuild would refuse that archive.
func TestUpgradeRefusesAVersionTheManifestCheckRefuses(t *testing.T) {
	f := newUnit(t)
	before := f.read(".env")
	_, err := f.u.Upgrade(f.ctx, f.dep, Request{To: strings.Repeat("2", 5000), HealthWindow: time.Millisecond}, nil)
	if !errors.Is(err, deployment.ErrInvalidSetting) {
		t.Fatalf("err = %v, want ErrInvalidSetting", err)
	}
	if got := f.read(".env"); got != before {
		t.Errorf(".env changed to %q", got)
	}
	if ups := f.history(); len(ups) != 0 {
		t.Errorf("upgrades recorded: %+v", ups)
	}
	if bs, _ := f.st.ListBackups(f.ctx, f.dep.ID); len(bs) != 0 {
		t.Errorf("backups recorded: %+v", bs)
	}
	for _, c := range f.eng.calls {
		if strings.HasPrefix(c, "stop") {
			t.Errorf("containers were stopped: %v", f.eng.calls)
		}
	}
}
