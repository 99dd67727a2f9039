//go:build integration

package upgrade

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"rewind/backend/op"
	"strings"
	"sync"
	"testing"
	"time"

	"rewind/backend/backup"
	"rewind/backend/compose"
	"rewind/backend/deployment"
	"rewind/backend/docker"
	"rewind/backend/enginetest"
	"rewind/backend/progress"
	"rewind/backend/restore"
	"rewind/backend/store"
)

// Integration tests run against a real engine, normally the private one:
//
//	eval "$(.ci/dockerd start /tmp/rw-upg-docker)" && .ci/build-test-images
//	REWIND_REQUIRE_DOCKER=1 go test -race -tags integration ./backend/upgrade/
//
// Without DOCKER_HOST they skip, unless REWIND_REQUIRE_DOCKER=1 says an
// engine was promised: then they fail. Each test has its own Compose
// project, directory and state, so they run in parallel on one engine.

func requireDocker(t *testing.T) *docker.Engine {
	return enginetest.Engine(t, docker.Options{})
}

// fixture is one deployment under test with its own catalog.
type fixture struct {
	t     *testing.T
	ctx   context.Context
	eng   *docker.Engine
	state string
	dir   string
	dep   deployment.Deployment
	st    *store.Store
	u     *Upgrader
	cli   *compose.Runner
}

const composeFile = `version: "2.4"
services:
  web:
    image: %s:${APP_VERSION}
    network_mode: none
    restart: unless-stopped
    volumes: ["./data:/data"]
`

func randomName(prefix string) string {
	b := make([]byte, 4)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// writeDeployment writes a deployment directory for repo:version.
func writeDeployment(t *testing.T, repo, version string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), randomName("upg"))
	files := map[string]string{
		"docker-compose.yml": fmt.Sprintf(composeFile, repo),
		".env":               "# settings of the test shop\nAPP_VERSION=" + version + "\nOTHER=kept\n",
		"app/config.toml":    "port = 8080\n",
		"data/seed.txt":      "seeded before the first start\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// newFixture registers a deployment of repo at version and starts it.
func newFixture(t *testing.T, repo, version string) *fixture {
	t.Helper()
	eng := requireDocker(t)
	ctx := context.Background()
	f := &fixture{t: t, ctx: ctx, eng: eng, state: t.TempDir(), dir: writeDeployment(t, repo, version)}
	st, err := store.Open(f.state, "")
	if err != nil {
		t.Fatal(err)
	}
	f.st = st
	t.Cleanup(func() { st.Close() })
	if f.dep, err = deployment.Init(ctx, st, f.state, deployment.InitOptions{Path: f.dir}); err != nil {
		t.Fatal(err)
	}
	if f.cli, err = compose.CLI(ctx); err != nil {
		t.Fatal(err)
	}
	f.u = f.upgrader()
	t.Cleanup(f.teardown)
	if err := f.cli.Up(ctx, f.dir, f.dep.ComposeProject, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.WaitHealthy(ctx, f.dep.ComposeProject, nil, 500*time.Millisecond, time.Minute); err != nil {
		t.Fatal(err)
	}
	return f
}

// upgrader wires the real backup manager, restorer, engine and Compose CLI.
func (f *fixture) upgrader() *Upgrader {
	connect := func(ctx context.Context) (backup.Engine, error) {
		return docker.Connect(ctx, docker.Options{Settle: 500 * time.Millisecond, Poll: 100 * time.Millisecond})
	}
	b := backup.New(op.New(f.st), connect)
	b.StartTimeout = time.Minute
	r := restore.New(b.Kernel, b, connect)
	r.StartTimeout = time.Minute
	u := New(b.Kernel, b, r, connectEngine, nil)
	u.Settle, u.Poll, u.StartTimeout = time.Second, 200*time.Millisecond, time.Minute
	return u
}

// connectEngine connects to the engine at DOCKER_HOST, as an Engine.
func connectEngine(ctx context.Context) (Engine, error) {
	e, err := docker.Connect(ctx, docker.Options{})
	if err != nil {
		return nil, err
	}
	return e, nil
}

func (f *fixture) teardown() {
	ctx := context.Background()
	f.cli.Run(ctx, f.dir, f.dep.ComposeProject, nil, "down", "--remove-orphans")
	eng, err := connectEngine(ctx)
	if err != nil {
		return
	}
	defer eng.Close()
	holds, _ := eng.Holds(ctx, f.dep.ComposeProject)
	for _, h := range holds {
		eng.Release(ctx, h)
		eng.RemoveTag(ctx, h.Ref)
	}
}

// running returns the image ref and ID the web service runs, failing the
// test unless exactly one such container runs.
func (f *fixture) running() (ref, id string) {
	f.t.Helper()
	cs, err := f.eng.ProjectContainers(f.ctx, f.dep.ComposeProject)
	if err != nil {
		f.t.Fatal(err)
	}
	var up []docker.Container
	for _, c := range cs {
		if c.Running && c.Service == "web" {
			up = append(up, c)
		}
	}
	if len(up) != 1 {
		f.t.Fatalf("want one running web container, got %d of %d", len(up), len(cs))
	}
	return up[0].Image, up[0].ImageID
}

func (f *fixture) read(name string) string {
	f.t.Helper()
	b, err := os.ReadFile(filepath.Join(f.dir, name))
	if err != nil {
		f.t.Fatal(err)
	}
	return string(b)
}

// tree maps every entry below dir to its content ("dir", "-> target" for
// symlinks).
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == ".rewind" {
			return filepath.SkipDir // Rewind's own lock and journals
		}
		switch {
		case d.IsDir():
			out[rel] = "dir"
		case d.Type()&fs.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			out[rel] = "-> " + l
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out[rel] = string(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// sameData checks that the data directory is as it was before: the same
// entries with the same contents, except the service's append-only log,
// whose old content must be a prefix and whose new lines name only the
// versions allowed.
func sameData(t *testing.T, got, want map[string]string, versions ...string) {
	t.Helper()
	for k, w := range want {
		g, ok := got[k]
		switch {
		case !ok:
			t.Errorf("data/%s: missing after the rollback", k)
		case k == "log.txt":
			if !strings.HasPrefix(g, w) {
				t.Errorf("data/log.txt: the old log is not a prefix of the new one:\ngot  %q\nwant prefix %q", g, w)
				continue
			}
			for _, line := range strings.Split(strings.TrimSpace(strings.TrimPrefix(g, w)), "\n") {
				if !anyVersion(line, versions) {
					t.Errorf("data/log.txt: unexpected line after the rollback: %q (want versions %v)", line, versions)
				}
			}
		case g != w:
			t.Errorf("data/%s = %q, want %q", k, g, w)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("data/%s: present after the rollback, absent before", k)
		}
	}
}

func anyVersion(line string, versions []string) bool {
	for _, v := range versions {
		if strings.Contains(line, "version="+v+" ") {
			return true
		}
	}
	return line == ""
}

func (f *fixture) history() []store.Upgrade {
	f.t.Helper()
	ups, err := f.st.ListUpgrades(f.ctx, f.dep.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return ups
}

func runCmd(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// execIn runs a command with stdin and returns an error holding its output.
func execIn(t *testing.T, stdin, name string, args ...string) error {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return nil
}

// logReport logs every phase change with the time since the start.
func logReport(t *testing.T) progress.Report {
	t0 := time.Now()
	var mu sync.Mutex
	last := ""
	return func(p progress.Progress) {
		mu.Lock()
		defer mu.Unlock()
		key := string(p.Phase) + p.Message
		if p.Phase == progress.Archiving || p.Phase == progress.Extracting || p.Phase == progress.Verifying || key == last {
			if string(p.Phase) == last {
				return
			}
			key = string(p.Phase)
		}
		last = key
		t.Logf("%6.2fs %s %s", time.Since(t0).Seconds(), p.Phase, p.Message)
	}
}
