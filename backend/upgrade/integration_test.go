//go:build integration

package upgrade

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rewind/backend/backup"
	"rewind/backend/store"
)

func TestUpgradeSucceeds(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "rewind-svc", "1")
	_, oldID := f.running()
	res, err := f.u.Upgrade(f.ctx, f.dep, Request{To: "2", HealthWindow: 3 * time.Second}, logReport(t))
	if err != nil {
		t.Fatalf("upgrade 1→2: %v", err)
	}
	if ref, _ := f.running(); ref != "rewind-svc:2" {
		t.Errorf("runs %s after the upgrade, want rewind-svc:2", ref)
	}
	if got, want := f.read(".env"), "# settings of the test shop\nAPP_VERSION=2\nOTHER=kept\n"; got != want {
		t.Errorf(".env = %q, want %q", got, want)
	}
	if res.Outcome != OutcomeSucceeded || res.Upgrade.Status != store.UpgradeSucceeded {
		t.Errorf("outcome %q, status %q; want succeeded", res.Outcome, res.Upgrade.Status)
	}
	if res.Backup == nil || res.Backup.Type != backup.TypePreUpgrade || !res.Backup.Restorable() || res.Backup.Version != "1" {
		t.Fatalf("pre-upgrade backup = %+v, want a restorable pre-upgrade backup of version 1", res.Backup)
	}
	d, err := f.u.Backups.Show(f.ctx, f.dep, res.Backup.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Manifest.Services) != 1 || d.Manifest.Services[0].Image != "rewind-svc:1" || d.Manifest.Services[0].ImageID != oldID {
		t.Errorf("manifest services = %+v, want web on rewind-svc:1 (%s)", d.Manifest.Services, oldID)
	}
	ups := f.history()
	if len(ups) != 1 || ups[0].Status != store.UpgradeSucceeded || ups[0].FromVersion != "1" || ups[0].ToVersion != "2" ||
		ups[0].BackupID != res.Backup.ID || ups[0].FinishedAt == nil {
		t.Fatalf("history = %+v", ups)
	}
	if len(ups[0].ImagesBefore) != 1 || ups[0].ImagesBefore[0].ImageID != oldID {
		t.Errorf("images before = %+v, want rewind-svc:1 %s", ups[0].ImagesBefore, oldID)
	}
	if len(ups[0].ImagesAfter) != 1 || ups[0].ImagesAfter[0].Image != "rewind-svc:2" {
		t.Errorf("images after = %+v, want rewind-svc:2", ups[0].ImagesAfter)
	}
	pin := PinRef(f.dep.ComposeProject, "web", ups[0].ID)
	if info, err := f.eng.ImageInspect(f.ctx, pin); err != nil || info.ID != oldID {
		t.Errorf("pin %s: %v (id %s), want image %s", pin, err, info.ID, oldID)
	}
}

func TestFailedUpgradeRollsBack(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, to string
	}{
		{"v3 damages data and crashes", "3"},
		{"v4 is never healthy", "4"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, "rewind-svc", "2")
			_, oldID := f.running()
			env, compose := f.read(".env"), f.read("docker-compose.yml")
			data := tree(t, filepath.Join(f.dir, "data"))
			app := tree(t, filepath.Join(f.dir, "app"))
			t0 := time.Now()
			res, err := f.u.Upgrade(f.ctx, f.dep, Request{To: c.to, HealthWindow: 5 * time.Second}, logReport(t))
			var fe *FailedError
			if !errors.As(err, &fe) || !errors.Is(err, ErrFailed) || fe.Outcome != OutcomeRolledBack {
				t.Fatalf("upgrade 2→%s: err %v; want a failure rolled back", c.to, err)
			}
			if c.to == "4" && time.Since(t0) < 5*time.Second {
				t.Errorf("rolled back after %s, before the 5s health window ended", time.Since(t0))
			}
			if !strings.Contains(res.Message, "rolled back to 2, service healthy") {
				t.Errorf("message %q", res.Message)
			}
			if ref, id := f.running(); ref != "rewind-svc:2" || id != oldID {
				t.Errorf("runs %s (%s) after the rollback, want rewind-svc:2 (%s)", ref, id, oldID)
			}
			if got := f.read(".env"); got != env {
				t.Errorf(".env = %q, want %q as before", got, env)
			}
			if got := f.read("docker-compose.yml"); got != compose {
				t.Errorf("compose file changed")
			}
			sameData(t, tree(t, filepath.Join(f.dir, "data")), data, "2")
			sameData(t, tree(t, filepath.Join(f.dir, "app")), app)
			ups := f.history()
			if len(ups) != 1 || ups[0].Status != store.UpgradeRolledBack || ups[0].RollbackHealthy == nil ||
				!*ups[0].RollbackHealthy || ups[0].RollbackReason == "" {
				t.Fatalf("history = %+v; want rolled back, healthy, with a reason", ups)
			}
		})
	}
}

func TestRollbackAfterUpgrade(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "rewind-svc", "1")
	_, oldID := f.running()
	data := tree(t, filepath.Join(f.dir, "data"))
	if _, err := f.u.Upgrade(f.ctx, f.dep, Request{To: "2", HealthWindow: 2 * time.Second}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(f.dir, "data", "version-2.txt")); err != nil {
		t.Fatalf("v2 did not run: %v", err)
	}
	plan, err := f.u.PlanRollback(f.ctx, f.dep, 0)
	if err != nil {
		t.Fatal(err)
	}
	if plan.FromVersion != "1" || plan.CurrentVersion != "2" || plan.BackupFallback {
		t.Errorf("plan = %+v", plan)
	}
	res, err := f.u.Rollback(f.ctx, f.dep, 0, nil)
	if err != nil {
		t.Fatalf("rollback: %v", err)
	}
	if ref, id := f.running(); ref != "rewind-svc:1" || id != oldID {
		t.Errorf("runs %s (%s), want rewind-svc:1 (%s)", ref, id, oldID)
	}
	if !strings.Contains(f.read(".env"), "APP_VERSION=1\n") {
		t.Errorf(".env = %q", f.read(".env"))
	}
	sameData(t, tree(t, filepath.Join(f.dir, "data")), data, "1")
	if res.Upgrade.Status != store.UpgradeRolledBack || !res.Healthy {
		t.Errorf("result = %+v", res)
	}
	if _, err := f.u.PlanRollback(f.ctx, f.dep, 0); !errors.Is(err, ErrNothingToRollBack) {
		t.Errorf("a second rollback: %v, want ErrNothingToRollBack", err)
	}
}

func TestPreflightRefusesMissingImage(t *testing.T) {
	t.Parallel()
	f := newFixture(t, "rewind-svc", "1")
	_, oldID := f.running()
	before := tree(t, f.dir)
	_, err := f.u.Upgrade(f.ctx, f.dep, Request{To: "999", HealthWindow: time.Second}, nil)
	var pe *PreflightError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), "rewind-svc:999") {
		t.Fatalf("upgrade to a version without image: %v; want a preflight error naming rewind-svc:999", err)
	}
	after := tree(t, f.dir)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s changed", k)
		}
	}
	if len(after) != len(before) {
		t.Errorf("entries: %d after, %d before", len(after), len(before))
	}
	if ref, id := f.running(); ref != "rewind-svc:1" || id != oldID {
		t.Errorf("runs %s after a refused upgrade", ref)
	}
	if ups := f.history(); len(ups) != 0 {
		t.Errorf("history = %+v, want nothing recorded", ups)
	}
	if bs, _ := f.u.Backups.List(f.ctx, f.dep); len(bs) != 0 {
		t.Errorf("backups = %+v, want none", bs)
	}
}

// TestRollbackSurvivesPrune removes the old version's only tag and prunes
// every unused image: without a pin the old image would be gone. Images of
// its own (labelled) keep the prune away from other tests' images.
func TestRollbackSurvivesPrune(t *testing.T) {
	t.Parallel()
	requireDocker(t)
	label := randomName("t")
	repo := "rewind-upg-" + label
	build := func(tag, from string) {
		cmd := "FROM " + from + "\n"
		c := execIn(t, cmd, "docker", "build", "-q", "--label", "rewind.test="+label, "-t", repo+":"+tag, "-")
		if c != nil {
			t.Fatal(c)
		}
	}
	build("1", "rewind-svc:1")
	build("2", "rewind-svc:2")
	build("control", "rewind-svc:1")
	t.Cleanup(func() {
		for _, tag := range []string{"1", "2", "control"} {
			execIn(t, "", "docker", "rmi", "-f", repo+":"+tag)
		}
	})
	f := newFixture(t, repo, "1")
	_, oldID := f.running()
	if _, err := f.u.Upgrade(f.ctx, f.dep, Request{To: "2", HealthWindow: 2 * time.Second}, nil); err != nil {
		t.Fatal(err)
	}
	runCmd(t, "docker", "rmi", repo+":1")
	runCmd(t, "docker", "image", "prune", "-a", "-f", "--filter", "label=rewind.test="+label)
	if ok, _ := f.eng.ImageExists(f.ctx, repo+":control"); ok {
		t.Fatal("the prune did not run: the unused control image survived")
	}
	if ok, _ := f.eng.ImageExists(f.ctx, repo+":1"); ok {
		t.Fatal(repo + ":1 still exists: the test proves nothing")
	}
	if _, err := f.eng.ImageInspect(f.ctx, oldID); err != nil {
		t.Fatalf("the pinned old image was pruned: %v", err)
	}
	res, err := f.u.Rollback(f.ctx, f.dep, 0, nil)
	if err != nil {
		t.Fatalf("rollback after prune: %v", err)
	}
	if ref, id := f.running(); ref != repo+":1" || id != oldID {
		t.Errorf("runs %s (%s), want %s:1 (%s)", ref, id, repo, oldID)
	}
	if !strings.Contains(strings.Join(res.Warnings, "\n"), "re-tagged") {
		t.Errorf("warnings %q: want the re-tag reported", res.Warnings)
	}
}
