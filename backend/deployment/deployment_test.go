package deployment_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"rewind/backend/deployment"
	"rewind/backend/store"
)

// fixture is a deployment directory with a compose file and a data directory,
// reached through a symlink as well (link), and an open catalog.
type fixture struct {
	real, link, state string
	st                *store.Store
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	base := t.TempDir()
	real := filepath.Join(base, "srv", "shop")
	for _, d := range []string{filepath.Join(real, "data", "db"), filepath.Join(real, "app")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write(t, filepath.Join(real, "compose.yaml"), "services:\n  web:\n    image: shop:${APP_VERSION}\n")
	write(t, filepath.Join(real, ".env"), "APP_VERSION=1.0\n")
	write(t, filepath.Join(real, "app", "server.log"), "x\n")
	link := filepath.Join(base, "shop-link")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(base, "state")
	st, err := store.Open(state, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return fixture{real: real, link: link, state: state, st: st}
}

func write(t *testing.T, p, body string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// Storage and state inside the project, named through a symlink to it, are
// still excluded: otherwise each archive holds the earlier ones.
func TestExcludesResolveSymlinkedLocations(t *testing.T) {
	f := newFixture(t)
	d, err := deployment.Init(context.Background(), f.st, f.state, deployment.InitOptions{Path: f.link,
		StorageDir: filepath.Join(f.link, "backups")})
	if err != nil {
		t.Fatal(err)
	}
	stateInside := filepath.Join(f.link, "app", "rewind-state")
	got, err := withState(d, stateInside).ExcludePatterns()
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"backups", "app/rewind-state"}; !slices.Equal(got, want) {
		t.Errorf("excludes %q, want %q", got, want)
	}
	// The stored paths themselves are plain: resolved relative to the real directory too.
	d.Path = f.link
	if got, _ := withState(d, "").ExcludePatterns(); !slices.Equal(got, []string{"backups"}) {
		t.Errorf("project named through its link: excludes %q, want [backups]", got)
	}
}

func TestInitRefusesStorageOrStateHoldingTheProject(t *testing.T) {
	f := newFixture(t)
	for name, tc := range map[string]struct{ storage, state string }{
		"storage is the project":         {storage: f.real},
		"storage is the project by link": {storage: f.link},
		"storage is an ancestor":         {storage: filepath.Dir(f.real)},
		"state is the project":           {state: f.link},
	} {
		t.Run(name, func(t *testing.T) {
			state := f.state
			if tc.state != "" {
				state = tc.state
			}
			_, err := deployment.Init(context.Background(), f.st, state, deployment.InitOptions{Path: f.link, StorageDir: tc.storage})
			if !errors.Is(err, deployment.ErrLocation) || !errors.Is(err, deployment.ErrInvalidSetting) {
				t.Fatalf("init: %v, want an ErrLocation invalid setting", err)
			}
			if _, err := f.st.DeploymentByPath(context.Background(), f.real); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("refused init saved the deployment anyway (%v)", err)
			}
		})
	}
	// A deployment saved before the check (or edited since) is refused at every backup.
	d := deployment.Deployment{Path: f.real, StorageDir: f.link}
	if _, err := withState(d, f.state).ExcludePatterns(); !errors.Is(err, deployment.ErrLocation) {
		t.Errorf("Excludes with storage = project: %v, want ErrLocation", err)
	}
	if _, err := withState(d, f.state).KeptPaths(); !errors.Is(err, deployment.ErrLocation) {
		t.Errorf("KeptPaths with storage = project: %v, want ErrLocation", err)
	}
}

func TestInitRefusesLinkedDataPath(t *testing.T) {
	f := newFixture(t)
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(f.real, "pgdata")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("data/db", filepath.Join(f.real, "db")); err != nil {
		t.Fatal(err)
	}
	for data, want := range map[string]string{"pgdata": "outside the project", "db": `name "data/db"`} {
		_, err := deployment.Init(context.Background(), f.st, f.state, deployment.InitOptions{Path: f.link, DataPaths: []string{data}})
		if !errors.Is(err, deployment.ErrInvalidSetting) || !strings.Contains(err.Error(), want) {
			t.Errorf("init --data %s: %v, want an invalid setting saying %q", data, err, want)
		}
	}
	// The link appears after init: every backup says so.
	d, err := deployment.Init(context.Background(), f.st, f.state, deployment.InitOptions{Path: f.link, DataPaths: []string{"data"}})
	if err != nil {
		t.Fatal(err)
	}
	// A project reached through a link (a parent replaced by one since) is
	// not a linked data path.
	if w := (deployment.Deployment{Path: f.link, DataPaths: d.DataPaths}).LinkWarnings(); len(w) != 0 {
		t.Errorf("plain data path under a linked project: warnings %q", w)
	}
	os.RemoveAll(filepath.Join(f.real, "data"))
	if err := os.Symlink(outside, filepath.Join(f.real, "data")); err != nil {
		t.Fatal(err)
	}
	w := d.LinkWarnings()
	if len(w) != 1 || !strings.Contains(w[0], "symlink to "+outside) || !strings.Contains(w[0], "not the data") {
		t.Errorf("warnings %q, want one naming the link to %s", w, outside)
	}
}

func TestWarningsForPathsThatMatchNothing(t *testing.T) {
	f := newFixture(t)
	d, err := deployment.Init(context.Background(), f.st, f.state, deployment.InitOptions{Path: f.link,
		DataPaths: []string{"data", "uploads"}, Excludes: []string{"*.log", "**/*.log", "app/cache", "app"}})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(d.Warnings(), "\n")
	for _, want := range []string{`data path "uploads" does not exist`, `exclude "*.log" matches nothing`,
		"**/*.log matches at any depth", `exclude "app/cache" matches nothing`} {
		if !strings.Contains(got, want) {
			t.Errorf("warnings %q: missing %q", got, want)
		}
	}
	for _, quiet := range []string{`"data"`, `"**/*.log"`, `"app" `} {
		if strings.Contains(got, quiet) {
			t.Errorf("warnings %q: %s exists and needs no warning", got, quiet)
		}
	}
}

func TestInitRefusesBadPatterns(t *testing.T) {
	f := newFixture(t)
	for _, ex := range []string{"[", "app/[a-", "**", "**/**"} {
		if _, err := deployment.Init(context.Background(), f.st, f.state, deployment.InitOptions{Path: f.link, Excludes: []string{ex}}); !errors.Is(err, deployment.ErrInvalidSetting) {
			t.Errorf("exclude %q: %v, want an invalid setting", ex, err)
		}
	}
}

func withState(d deployment.Deployment, state string) deployment.Deployment {
	d.StateDir = state
	return d
}

// A deployment knows what follows from its settings: the running version
// from its version key in .env, where its lock and Rewind's own files live,
// and its retention policy's key.
func TestDeploymentKnowsWhatFollowsFromItsSettings(t *testing.T) {
	f := newFixture(t)
	d, err := deployment.Init(context.Background(), f.st, f.state, deployment.InitOptions{Path: f.link})
	if err != nil {
		t.Fatal(err)
	}
	if d.Path != f.real || d.StateDir != f.state {
		t.Errorf("path %s state %s, want %s and %s", d.Path, d.StateDir, f.real, f.state)
	}
	if v := d.Version(); v != "1.0" {
		t.Errorf("Version = %q, want 1.0", v)
	}
	write(t, filepath.Join(f.real, ".env"), "APP_VERSION=1.1\nBUILD=7\n")
	if v := d.Version(); v != "1.1" {
		t.Errorf("Version after .env changed = %q, want 1.1", v)
	}
	d.VersionKey = "BUILD"
	if v := d.Version(); v != "7" {
		t.Errorf("Version with key BUILD = %q, want 7", v)
	}
	if got, want := d.LockPath(), filepath.Join(f.real, ".rewind", "lock"); got != want {
		t.Errorf("LockPath = %s, want %s", got, want)
	}
	other := d
	other.ID++
	if d.PolicyKey() == other.PolicyKey() {
		t.Errorf("two deployments share the policy key %q", d.PolicyKey())
	}
	os.Remove(filepath.Join(f.real, ".env"))
	if v := d.Version(); v != "" {
		t.Errorf("Version without .env = %q, want empty", v)
	}
}
