package restore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"rewind/backend/op"
	"rewind/backend/store/storetest"
	"strings"
	"sync"
	"testing"
	"time"

	"rewind/backend/archive"
	"rewind/backend/archive/archivetest"
	"rewind/backend/backup"
	"rewind/backend/deployment"
	"rewind/backend/docker"
	"rewind/backend/mounts/mounttest"
	"rewind/backend/store"
)

// fakeEngine records what a restore asks of Docker. It is used where the
// test is about file handling and ordering, not about containers; the
// integration tests run the same code against a real engine.
type fakeEngine struct {
	mu       sync.Mutex
	calls    []string
	running  bool
	startErr error
	stopErr  error
	onStop   func()
}

func (f *fakeEngine) Snapshot(ctx context.Context, project string) (docker.Snapshot, error) {
	f.record("snapshot")
	return docker.Snapshot{Project: project, Containers: []docker.ContainerState{
		{ID: "c1", Service: "web", Name: project + "_web_1", WasRunning: f.running, Policy: docker.RestartPolicy{Name: "always"}}}}, nil
}

func (f *fakeEngine) Stop(ctx context.Context, s docker.Snapshot, d time.Duration) (docker.StopReport, error) {
	f.record("stop")
	if f.onStop != nil {
		f.onStop()
	}
	return docker.StopReport{Project: s.Project}, f.stopErr
}

func (f *fakeEngine) Start(ctx context.Context, s docker.Snapshot, d time.Duration) error {
	f.record("start")
	return f.startErr
}

func (f *fakeEngine) RestorePolicies(ctx context.Context, s docker.Snapshot) error {
	f.record("policies")
	return nil
}

func (f *fakeEngine) record(c string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, c)
}

func (f *fakeEngine) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string{}, f.calls...)
}

type fixture struct {
	dep      deployment.Deployment
	st       *store.Store
	backups  *backup.Manager
	r        *Restorer
	eng      *fakeEngine
	backupID int64
	hArchive string // the tree when the backup was taken
	hBefore  string // the tree after the changes that followed
}

func write(t *testing.T, root, rel, body string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// newFixture makes a deployment, backs it up, then changes it: app and data
// files edited, one file added, one removed.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixtureIn(t, t.TempDir())
}

// newFixtureOnTmpfs puts the deployment on a small tmpfs (root only).
func newFixtureOnTmpfs(t *testing.T) *fixture {
	t.Helper()
	return newFixtureIn(t, mounttest.TempTmpfs(t, "16m"))
}

// fill writes a file beside the deployment until its file system is full.
func fill(t *testing.T, root string) {
	t.Helper()
	f, err := os.Create(filepath.Join(root, "..", "filler"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 1<<20)
	for {
		if _, err := f.Write(buf); err != nil {
			return
		}
	}
}

func newFixtureIn(t *testing.T, parent string) *fixture {
	t.Helper()
	return newFixtureWith(t, parent, deployment.InitOptions{Excludes: []string{"data/cache"}})
}

// newFixtureWith is newFixtureIn with other settings (opts.Path is set here).
func newFixtureWith(t *testing.T, parent string, opts deployment.InitOptions) *fixture {
	t.Helper()
	root := filepath.Join(parent, "shop")
	for rel, body := range map[string]string{
		"docker-compose.yml": "services:\n  web:\n    image: rewind-svc:${APP_VERSION}\n",
		".env":               "APP_VERSION=1\n",
		"app/main.conf":      "v1 config\n",
		"app/static/a.css":   "body{}\n",
		"data/db.json":       `{"rows":1}`,
		"data/cache/tmp.bin": "cache",
		"data/keep.txt":      "kept",
	} {
		write(t, root, rel, body)
	}
	os.Symlink("app/main.conf", filepath.Join(root, "conf-link"))
	state := t.TempDir()
	st := storetest.Open(t)
	ctx := context.Background()
	opts.Path = root
	dep, err := deployment.Init(ctx, st, state, opts)
	if err != nil {
		t.Fatal(err)
	}
	eng := &fakeEngine{running: true}
	connect := func(context.Context) (backup.Engine, error) { return eng, nil }
	bm := backup.New(op.New(st), connect)
	res, err := bm.Create(ctx, dep, backup.CreateRequest{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{dep: dep, st: st, backups: bm, eng: eng, backupID: res.Record.ID}
	f.r = New(bm.Kernel, bm, connect)
	f.r.Kernel.Register(f.r.Recoverer())
	f.hArchive = f.hash(t)
	write(t, root, "app/main.conf", "v2 config, longer\n")
	write(t, root, "data/db.json", `{"rows":2,"more":true}`)
	write(t, root, "data/new.txt", "written after the backup")
	os.Remove(filepath.Join(root, "data/keep.txt"))
	write(t, root, ".env", "APP_VERSION=2\n")
	f.hBefore = f.hash(t)
	eng.calls = nil
	return f
}

// hash is the tree hash of the live deployment (its .rewind excluded).
func (f *fixture) hash(t *testing.T) string {
	t.Helper()
	h, _, err := archivetest.HashTree(context.Background(), f.dep.Path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func (f *fixture) read(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(f.dep.Path, filepath.FromSlash(rel)))
	if errors.Is(err, os.ErrNotExist) {
		return "<missing>"
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// workLeft lists what restores left in .rewind besides the lock.
func (f *fixture) workLeft(t *testing.T) []string {
	t.Helper()
	ents, _ := os.ReadDir(filepath.Join(f.dep.Path, archive.MetaDir))
	var out []string
	for _, e := range ents {
		if e.Name() != "lock" {
			out = append(out, e.Name())
		}
	}
	return out
}

// recover runs the recovery of the next start: the kernel's, with the
// restore's recoverer registered.
func (f *fixture) recover(ctx context.Context) ([]string, error) { return f.r.Kernel.Recover(ctx) }

// everyStep is every step and crash point of a restore, the swapping point
// also at its second and third hit (one hit per entry swapped).
func everyStep() []string {
	return append(Spec.Names(), "restore.swapping#2", "restore.swapping#3")
}

// undoFault is the fault that makes a restore undo itself, for the steps
// only an undo reaches (nil for the others).
func undoFault(step string) []string {
	if name, _, _ := strings.Cut(step, "#"); name == "restore."+string(Undoing) || name == "restore."+string(Undone) {
		return []string{"restore." + string(Swapped)}
	}
	return nil
}
