package upgrade

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"rewind/backend/op"
	"rewind/backend/store/storetest"
	"slices"
	"strings"
	"testing"
	"time"

	"rewind/backend/backup"
	"rewind/backend/compose"
	"rewind/backend/deployment"
	"rewind/backend/progress"
	"rewind/backend/restore"
	"rewind/backend/store"
)

// unit is a deployment on real files with a real catalog, backup manager and
// restorer; only Docker and the Compose CLI are fakes.
type unit struct {
	t          *testing.T
	ctx        context.Context
	dir        string
	dep        deployment.Deployment
	st         *store.Store
	eng        *fakeEngine
	cmp        *fakeCompose
	restorer   *restore.Restorer
	u          *Upgrader
	dockerDown bool
	noCompose  bool
	restoreErr error
}

// failingRestorer runs the real restorer unless the test made it fail.
type failingRestorer struct {
	real *restore.Restorer
	err  *error
}

func (r failingRestorer) Run(ctx context.Context, dep deployment.Deployment, id int64, opts restore.Options, rep progress.Report) (restore.Result, error) {
	if *r.err != nil {
		return restore.Result{}, *r.err
	}
	return r.real.Run(ctx, dep, id, opts, rep)
}

func newUnit(t *testing.T) *unit {
	t.Helper()
	ctx := context.Background()
	f := &unit{t: t, ctx: ctx, dir: filepath.Join(t.TempDir(), "shop"), eng: newFakeEngine()}
	files := map[string]string{
		"docker-compose.yml": "services:\n  web:\n    image: shop:${APP_VERSION}\n",
		".env":               "# shop\nAPP_VERSION=1\n",
		"app/config.toml":    "port = 1\n",
		"data/db.txt":        "written by version 1\n",
	}
	for name, body := range files {
		writeFile(t, filepath.Join(f.dir, name), body)
	}
	state := t.TempDir()
	st := storetest.Open(t)
	f.st = st
	var err error
	if f.dep, err = deployment.Init(ctx, st, state, deployment.InitOptions{Path: f.dir}); err != nil {
		t.Fatal(err)
	}
	connectB := func(context.Context) (backup.Engine, error) {
		if f.dockerDown {
			return nil, errEngineGone
		}
		return f.eng, nil
	}
	b := backup.New(op.New(st), connectB)
	r := restore.New(b.Kernel, b, connectB)
	f.restorer = r
	f.cmp = &fakeCompose{e: f.eng}
	connect := func(context.Context) (Engine, error) {
		if f.dockerDown {
			return nil, errEngineGone
		}
		return f.eng, nil
	}
	findCompose := func(context.Context) (Compose, error) {
		if f.noCompose {
			return nil, compose.ErrNoCLI
		}
		return f.cmp, nil
	}
	f.u = New(b.Kernel, b, failingRestorer{real: r, err: &f.restoreErr}, connect, findCompose)
	f.u.Settle, f.u.Poll = 0, time.Millisecond
	if err := f.eng.up(f.dir, nil); err != nil {
		t.Fatal(err)
	}
	return f
}

func writeFile(t *testing.T, p, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (f *unit) read(name string) string {
	f.t.Helper()
	b, err := os.ReadFile(filepath.Join(f.dir, name))
	if err != nil {
		return "<" + err.Error() + ">"
	}
	return string(b)
}

func (f *unit) history() []store.Upgrade {
	f.t.Helper()
	ups, err := f.st.ListUpgrades(f.ctx, f.dep.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return ups
}

func TestUpgradeOutcomes(t *testing.T) {
	cases := []struct {
		name       string
		to         string
		noRollback bool
		upErr      error
		restoreErr error
		// want
		outcome         Outcome
		env, runs, data string
		rollbackHealthy *bool
	}{
		{name: "healthy", to: "2", outcome: OutcomeSucceeded, env: "2", runs: "shop:2", data: "written by version 2\n"},
		{name: "never healthy: rolled back", to: "3", outcome: OutcomeRolledBack, env: "1", runs: "shop:1",
			data: "written by version 1\n", rollbackHealthy: ptr(true)},
		{name: "compose up fails: rolled back", to: "2", upErr: errors.New("compose exploded"), outcome: OutcomeRolledBack,
			env: "1", runs: "shop:1", data: "written by version 1\n", rollbackHealthy: ptr(true)},
		{name: "never healthy, --no-rollback", to: "3", noRollback: true, outcome: OutcomeFailed, env: "3", runs: "shop:3",
			data: "written by version 3\n"},
		{name: "rollback cannot restore", to: "3", restoreErr: errors.New("disk on fire"), outcome: OutcomeRollbackFailed,
			env: "3", runs: "shop:3", data: "written by version 3\n", rollbackHealthy: ptr(false)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newUnit(t)
			f.restoreErr = c.restoreErr
			f.cmp.after = func(dir string) {
				env, _ := compose.ReadEnv(filepath.Join(dir, ".env"))
				writeFile(t, filepath.Join(dir, "data", "db.txt"), "written by version "+env["APP_VERSION"]+"\n")
			}
			if c.upErr != nil {
				f.cmp.after = nil
				f.cmp.err = c.upErr
				// compose up fails for the upgrade; the rollback's up works
				f.u.Compose = func(context.Context) (Compose, error) { return &onceFailing{f.cmp}, nil }
			}
			res, err := f.u.Upgrade(f.ctx, f.dep, Request{To: c.to, NoRollback: c.noRollback, HealthWindow: 20 * time.Millisecond}, nil)
			if c.outcome == OutcomeSucceeded && err != nil {
				t.Fatalf("upgrade: %v", err)
			}
			var fe *FailedError
			if c.outcome != OutcomeSucceeded && (!errors.As(err, &fe) || fe.Outcome != c.outcome || !errors.Is(err, ErrFailed)) {
				t.Fatalf("upgrade error %v; want a FailedError with outcome %s", err, c.outcome)
			}
			if res.Outcome != c.outcome || res.Upgrade.Status != c.outcome {
				t.Errorf("outcome %s, status %s; want %s", res.Outcome, res.Upgrade.Status, c.outcome)
			}
			if got, want := f.read(".env"), "# shop\nAPP_VERSION="+c.env+"\n"; got != want {
				t.Errorf(".env = %q, want %q", got, want)
			}
			if got := f.eng.running()["web"]; got != c.runs {
				t.Errorf("web runs %q, want %q", got, c.runs)
			}
			if got := f.read("data/db.txt"); got != c.data {
				t.Errorf("data/db.txt = %q, want %q", got, c.data)
			}
			ups := f.history()
			if len(ups) != 1 {
				t.Fatalf("history has %d rows, want 1", len(ups))
			}
			up := ups[0]
			if up.Status != c.outcome || up.FinishedAt == nil || up.BackupID == 0 || up.FromVersion != "1" || up.ToVersion != c.to {
				t.Errorf("history row %+v", up)
			}
			if (up.RollbackHealthy == nil) != (c.rollbackHealthy == nil) ||
				up.RollbackHealthy != nil && *up.RollbackHealthy != *c.rollbackHealthy {
				t.Errorf("rollback healthy = %v, want %v", up.RollbackHealthy, c.rollbackHealthy)
			}
			if len(up.ImagesBefore) != 1 || up.ImagesBefore[0].Image != "shop:1" {
				t.Errorf("images before = %+v", up.ImagesBefore)
			}
			ops, _ := f.st.UnfinishedOperations(f.ctx)
			if len(ops) != 0 {
				t.Errorf("unfinished operations left: %+v", ops)
			}
			if c.outcome == OutcomeRolledBack && !strings.Contains(res.Message, "rolled back to 1, service healthy") {
				t.Errorf("message %q", res.Message)
			}
			if c.outcome == OutcomeRollbackFailed && !strings.Contains(res.Message, "rollback failed, needs attention") {
				t.Errorf("message %q", res.Message)
			}
		})
	}
}

// onceFailing fails the first compose up and runs the later ones.
type onceFailing struct{ c *fakeCompose }

func (o *onceFailing) Up(ctx context.Context, dir, project string, env []string) error {
	err := o.c.err
	o.c.err = nil
	if err != nil {
		return err
	}
	return o.c.Up(ctx, dir, project, env)
}

func ptr[T any](v T) *T { return &v }

func TestPreflightRefusals(t *testing.T) {
	cases := []struct {
		name  string
		to    string
		setup func(*unit)
		want  error
		text  string
	}{
		{"no version", "", nil, ErrNoVersion, ""},
		{"same version", "1", nil, ErrSameVersion, ""},
		{"image missing and not pullable", "9", nil, ErrPreflight, "shop:9"},
		{"no compose cli", "2", func(f *unit) { f.noCompose = true }, ErrPreflight, "compose"},
		{"docker unreachable", "2", func(f *unit) { f.dockerDown = true }, ErrPreflight, "unreachable"},
		// A tree deeper than the extraction policy allows cannot be backed
		// up: the refusal must come before the services stop.
		{"a name that cannot be stored", "2", func(f *unit) {
			writeFile(t, filepath.Join(f.dir, "data", strings.Repeat("d/", 512), "f"), "x")
		}, ErrPreflight, "deeper than 512"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newUnit(t)
			if c.setup != nil {
				c.setup(f)
			}
			env := f.read(".env")
			_, err := f.u.Upgrade(f.ctx, f.dep, Request{To: c.to}, nil)
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.text) {
				t.Fatalf("err = %v, want %v mentioning %q", err, c.want, c.text)
			}
			if f.read(".env") != env {
				t.Error(".env changed")
			}
			if len(f.history()) != 0 {
				t.Error("history recorded a refused upgrade")
			}
			if bs, _ := f.st.ListBackups(f.ctx, f.dep.ID); len(bs) != 0 {
				t.Error("a backup was taken")
			}
			if slicesContain(f.eng.calls, "stop") {
				t.Error("services were stopped")
			}
			if f.eng.running()["web"] != "shop:1" {
				t.Error("web no longer runs shop:1")
			}
		})
	}
}

func slicesContain(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func TestPreflightPullsMissingImage(t *testing.T) {
	f := newUnit(t)
	f.eng.pullable["shop:5"] = "sha256:shop5"
	res, err := f.u.Upgrade(f.ctx, f.dep, Request{To: "5", HealthWindow: time.Millisecond}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Preflight.Images) != 1 || !res.Preflight.Images[0].Pulled {
		t.Errorf("preflight images = %+v, want shop:5 pulled", res.Preflight.Images)
	}
}

func TestPinsSurviveAndComeBack(t *testing.T) {
	f := newUnit(t)
	if _, err := f.u.Upgrade(f.ctx, f.dep, Request{To: "2", HealthWindow: time.Millisecond}, nil); err != nil {
		t.Fatal(err)
	}
	up := f.history()[0]
	pin := PinRef(f.dep.ComposeProject, "web", up.ID)
	if f.eng.images[pin] != "sha256:shop1" || len(f.eng.holds) != 1 || f.eng.holds[0].Ref != pin {
		t.Fatalf("pin %s = %q, holds %+v", pin, f.eng.images[pin], f.eng.holds)
	}
	// The old tag is removed and moved elsewhere: the rollback re-tags it.
	delete(f.eng.images, "shop:1")
	delete(f.eng.images, "sha256:shop1")
	f.eng.images["shop:1"] = "sha256:other"
	res, err := f.u.Rollback(f.ctx, f.dep, 0, nil)
	if err != nil {
		t.Fatalf("rollback: %v", err)
	}
	if f.eng.images["shop:1"] != "sha256:shop1" || f.eng.running()["web"] != "shop:1" {
		t.Errorf("shop:1 = %s, web runs %s", f.eng.images["shop:1"], f.eng.running()["web"])
	}
	if !strings.Contains(strings.Join(res.Warnings, ";"), "re-tagged from "+pin) {
		t.Errorf("warnings %q", res.Warnings)
	}
	if got := f.history()[0]; got.Status != store.UpgradeRolledBack || got.RollbackReason != "rolled back on request" {
		t.Errorf("history %+v", got)
	}
	if len(f.eng.holds) != 0 {
		t.Errorf("holds of a rolled-back upgrade kept: %+v", f.eng.holds)
	}
}

// The preflight says which state the pre-upgrade backup leaves out, since a
// rollback cannot put it back; a deployment whose state all lies in its
// directory gets no such warning.
func TestPreflightWarnsAboutStateARollbackCannotPutBack(t *testing.T) {
	f := newUnit(t)
	pf, err := f.u.Check(f.ctx, f.dep, "2")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range pf.Warnings {
		if strings.Contains(w, "rollback cannot put this back") {
			t.Errorf("all state captured, yet: %q", w)
		}
	}
	writeFile(t, filepath.Join(f.dir, "docker-compose.yml"),
		"services:\n  web:\n    image: shop:${APP_VERSION}\n    volumes: [\"uploads:/srv/uploads\"]\nvolumes:\n  uploads: {}\n")
	if pf, err = f.u.Check(f.ctx, f.dep, "2"); err != nil {
		t.Fatal(err)
	}
	want := "a rollback cannot put this back: web: volume " + f.dep.ComposeProject + "_uploads → /srv/uploads is not in the backups"
	if !slices.ContainsFunc(pf.Warnings, func(w string) bool { return strings.HasPrefix(w, want) }) {
		t.Errorf("preflight warnings %q: want one starting %q", pf.Warnings, want)
	}
}
