package service_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"rewind/backend/backup"
	"rewind/backend/deployment"
	"rewind/backend/service"
	"rewind/backend/store"
)

// fixture is a Compose project and a state directory, with Docker named at
// a socket that does not answer (Status must report that, not hang).
type fixture struct {
	project, state string
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	base := t.TempDir()
	f := fixture{project: filepath.Join(base, "shop"), state: filepath.Join(base, "state")}
	for _, d := range []string{"data/db", "app"} {
		if err := os.MkdirAll(filepath.Join(f.project, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write(t, filepath.Join(f.project, "compose.yaml"), "services:\n  web:\n    image: shop:${APP_VERSION}\n")
	write(t, filepath.Join(f.project, ".env"), "APP_VERSION=1.4\n")
	write(t, filepath.Join(f.project, "data", "db", "users.json"), "[]\n")
	t.Setenv("DOCKER_HOST", "unix://"+filepath.Join(base, "no-docker.sock"))
	t.Setenv("REWIND_PROJECT", "")
	return f
}

func write(t *testing.T, p, body string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// open opens the service over f and closes it at the end of the test.
func (f fixture) open(t *testing.T) *service.Service {
	t.Helper()
	s, err := service.Open(context.Background(), service.Options{StateDir: f.state, Project: f.project, What: "rewind test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// initialised opens the service and registers the project.
func (f fixture) initialised(t *testing.T) (*service.Service, deployment.Deployment) {
	t.Helper()
	s := f.open(t)
	d, err := s.Init(context.Background(), deployment.InitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return s, d
}

// Recovery runs once, when the service opens: what it did is kept for the
// status, and the next open has nothing left to do.
func TestOpenRecoversOnce(t *testing.T) {
	f := newFixture(t)
	s, d := f.initialised(t)
	s.Close()

	// What a process killed mid-operation leaves: a journal row still
	// running, and an upgrade recorded as running with no journal at all.
	st, err := store.Open(f.state, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := st.BeginOperation(ctx, store.Operation{DeploymentID: d.ID, Kind: "backup", Step: "started", Facts: []byte("{}"), PID: 1 << 30}); err != nil {
		t.Fatal(err)
	}
	upID, err := st.InsertUpgrade(ctx, store.Upgrade{DeploymentID: d.ID, FromVersion: "1.4", ToVersion: "1.5", Status: store.UpgradeRunning})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	s = f.open(t)
	lines, rerr := s.Recovered()
	if rerr != nil {
		t.Fatalf("recovery: %v", rerr)
	}
	if len(lines) != 1 || !strings.Contains(lines[0], "upgrade #") || !strings.Contains(lines[0], "marked failed") {
		t.Fatalf("recovered %q, want one line for the orphaned upgrade", lines)
	}
	status, err := s.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(status.Recovery, lines) {
		t.Errorf("status recovery %q, want what open did: %q", status.Recovery, lines)
	}
	if status.LastUpgrade == nil || status.LastUpgrade.ID != upID || status.LastUpgrade.Status != store.UpgradeFailed {
		t.Errorf("last upgrade %+v, want #%d failed", status.LastUpgrade, upID)
	}
	// A second status does not recover again.
	if again, _ := s.Status(ctx); !slices.Equal(again.Recovery, lines) {
		t.Errorf("second status recovery %q, want %q", again.Recovery, lines)
	}
	s.Close()

	s = f.open(t)
	if lines, err := s.Recovered(); len(lines) != 0 || err != nil {
		t.Errorf("second open recovered %q (%v), want nothing left to do", lines, err)
	}
	ops, err := s.ListOperations(ctx, d, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range ops {
		if o.State == store.OpRunning {
			t.Errorf("operation #%d still running after recovery", o.ID)
		}
	}
}

func TestStatus(t *testing.T) {
	f := newFixture(t)
	t.Run("no deployment", func(t *testing.T) {
		s, err := service.Open(context.Background(), service.Options{StateDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		st, err := s.Status(context.Background())
		if err != nil {
			t.Fatalf("status with no deployment: %v, want none", err)
		}
		if st.Deployment != nil || st.Services == nil || st.Recovery == nil || st.Backups.Elsewhere == nil {
			t.Errorf("status %+v: want no deployment and empty, non-nil lists", st)
		}
	})
	t.Run("deployment", func(t *testing.T) {
		s, d := f.initialised(t)
		ctx := context.Background()
		st, err := s.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Deployment == nil || st.Deployment.ID != d.ID || st.Version != "1.4" {
			t.Fatalf("status deployment %+v version %q, want #%d at 1.4", st.Deployment, st.Version, d.ID)
		}
		if st.Docker.Reachable || st.Docker.Error == "" || st.Services == nil {
			t.Errorf("docker %+v services %v: want unreachable with its error and no services", st.Docker, st.Services)
		}
		if st.Backups.Total != 0 || st.LastUpgrade != nil {
			t.Errorf("backups %+v last upgrade %v: want none", st.Backups, st.LastUpgrade)
		}
	})
}

// A refused setting changes nothing: not the deployment, not the retention.
func TestSaveSettingsValidates(t *testing.T) {
	f := newFixture(t)
	s, d := f.initialised(t)
	ctx := context.Background()
	good := service.Settings{DataPaths: []string{"data/"}, Excludes: []string{"**/*.log", "app/cache"}, VersionKey: "SHOP_VERSION",
		Retention: backup.Policy{KeepLast: 5, KeepDays: 30}}
	saved, err := s.SaveSettings(ctx, d, good)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(saved.DataPaths, []string{"data"}) || saved.VersionKey != "SHOP_VERSION" || saved.Retention != good.Retention ||
		saved.StorageDir != d.StorageDir {
		t.Fatalf("saved %+v, want the settings cleaned, with the storage unchanged", saved)
	}
	outside := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(f.project, "pgdata")); err != nil {
		t.Fatal(err)
	}
	for name, change := range map[string]func(*service.Settings){
		"data path outside the project": func(s *service.Settings) { s.DataPaths = []string{"data", "../etc"} },
		"absolute data path":            func(s *service.Settings) { s.DataPaths = []string{"/var/lib/shop"} },
		"data path is the project":      func(s *service.Settings) { s.DataPaths = []string{"."} },
		"data path is a link":           func(s *service.Settings) { s.DataPaths = []string{"pgdata"} },
		"exclude outside the project":   func(s *service.Settings) { s.Excludes = []string{"../other"} },
		"bad exclude pattern":           func(s *service.Settings) { s.Excludes = []string{"app/[a-"} },
		"exclude everything":            func(s *service.Settings) { s.Excludes = []string{"**"} },
		"negative keep-last":            func(s *service.Settings) { s.Retention.KeepLast = -1 },
		"negative keep-days":            func(s *service.Settings) { s.Retention.KeepDays = -1 },
		"keep-days too large":           func(s *service.Settings) { s.Retention.KeepDays = backup.MaxKeepDays + 1 },
		"keep-last too large":           func(s *service.Settings) { s.Retention.KeepLast = backup.MaxKeepLast + 1 },
	} {
		t.Run(name, func(t *testing.T) {
			bad := good
			bad.DataPaths, bad.Excludes = []string{"data", "app"}, []string{"*.tmp"} // valid changes, refused with the bad one
			change(&bad)
			if _, err := s.SaveSettings(ctx, d, bad); !errors.Is(err, deployment.ErrInvalidSetting) {
				t.Fatalf("save: %v, want an invalid setting", err)
			}
			if now := settingsNow(t, s); !equalSettings(now, saved) {
				t.Errorf("a refused save changed the settings: %+v, was %+v", now, saved)
			}
		})
	}
}

// Storage that holds the project (saved before the check existed) is
// refused at the next save, which changes nothing.
func TestSaveSettingsRefusesStorageHoldingTheProject(t *testing.T) {
	f := newFixture(t)
	s, d := f.initialised(t)
	s.Close()
	st, err := store.Open(f.state, "")
	if err != nil {
		t.Fatal(err)
	}
	d.StorageDir = filepath.Dir(f.project)
	if err := st.UpdateDeployment(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	st.Close()
	s = f.open(t)
	set := service.Settings{DataPaths: []string{"app"}, Retention: backup.Policy{KeepLast: 3}}
	if _, err := s.SaveSettings(context.Background(), d, set); !errors.Is(err, deployment.ErrLocation) {
		t.Fatalf("save: %v, want ErrLocation", err)
	}
	if now := settingsNow(t, s); !slices.Equal(now.DataPaths, d.DataPaths) || now.Retention != (backup.Policy{}) {
		t.Errorf("a refused save changed the settings: %+v", now)
	}
}

// settingsNow reads the settings of the deployment as the catalog has it.
func settingsNow(t *testing.T, s *service.Service) service.Settings {
	t.Helper()
	d, err := s.Resolve(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	set, err := s.Settings(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func equalSettings(a, b service.Settings) bool {
	return slices.Equal(a.DataPaths, b.DataPaths) && slices.Equal(a.Excludes, b.Excludes) &&
		a.VersionKey == b.VersionKey && a.StorageDir == b.StorageDir && a.Retention == b.Retention
}
