//go:build integration

package docker

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"

	"rewind/backend/compose"
)

// Integration tests run against a real engine, normally the private one:
//
//	eval "$(.ci/dockerd start /tmp/rewind-dockerd)"
//	REWIND_REQUIRE_DOCKER=1 go test -race -tags integration ./backend/docker/
//	.ci/dockerd stop /tmp/rewind-dockerd
//
// Without DOCKER_HOST they skip, unless REWIND_REQUIRE_DOCKER=1 says an
// engine was promised: then they fail, so a broken engine start can never
// pass as a green run. Each test has its own Compose project and directory,
// so they run in parallel on one engine.

var testImages = []string{"rewind-svc:1", "rewind-svc:2", "rewind-svc:3", "rewind-svc:4", "rewind-svc:stubborn"}

var (
	imagesOnce sync.Once
	imagesErr  error
	cliOnce    sync.Once
	cli        *compose.Runner
	cliErr     error
)

// realEngine connects to DOCKER_HOST and makes sure the test images exist.
func realEngine(t *testing.T) *Engine {
	t.Helper()
	host := os.Getenv("DOCKER_HOST")
	if host == "" {
		if os.Getenv("REWIND_REQUIRE_DOCKER") == "1" {
			t.Fatal("REWIND_REQUIRE_DOCKER=1 but DOCKER_HOST is not set: the engine start failed")
		}
		t.Skip("DOCKER_HOST not set; start a private engine with .ci/dockerd start DIR")
	}
	ctx := context.Background()
	e, err := Connect(ctx, Options{Settle: 500 * time.Millisecond, Poll: 100 * time.Millisecond,
		RestartTimeout: 60 * time.Second})
	if err != nil {
		t.Fatalf("DOCKER_HOST=%s is set but: %v", host, err)
	}
	t.Cleanup(func() { e.Close() })
	imagesOnce.Do(func() { imagesErr = ensureImages(ctx, e) })
	if imagesErr != nil {
		t.Fatal(imagesErr)
	}
	return e
}

func ensureImages(ctx context.Context, e *Engine) error {
	missing := false
	for _, ref := range testImages {
		ok, err := e.ImageExists(ctx, ref)
		if err != nil {
			return err
		}
		missing = missing || !ok
	}
	if !missing {
		return nil
	}
	out, err := exec.CommandContext(ctx, filepath.Join("..", "..", ".ci", "build-test-images")).CombinedOutput()
	if err != nil {
		return fmt.Errorf("build test images: %v\n%s", err, out)
	}
	return nil
}

func composeCLI(t *testing.T) *compose.Runner {
	t.Helper()
	cliOnce.Do(func() { cli, cliErr = compose.CLI(context.Background()) })
	if cliErr != nil {
		t.Fatal(cliErr)
	}
	return cli
}

// svc is one service of a generated compose file.
type svc struct {
	name, image, restart string
	noHealthcheck        bool
}

// deploy writes a compose file for services into a fresh directory (with a
// bind-mounted ./data), runs "compose up -d" under a fresh project name and
// removes the project's containers when the test ends.
func deploy(t *testing.T, e *Engine, services ...svc) (project, dir string) {
	t.Helper()
	var b strings.Builder
	b.WriteString("version: \"2.4\"\nservices:\n")
	for _, s := range services {
		fmt.Fprintf(&b, "  %s:\n    image: %s\n    network_mode: none\n    restart: %q\n    volumes: [\"./data:/data\"]\n",
			s.name, s.image, s.restart)
		if s.noHealthcheck {
			b.WriteString("    healthcheck:\n      disable: true\n")
		}
	}
	dir = t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "docker-compose.yml"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	project = projectName(t)
	t.Cleanup(func() { removeProject(t, e, project) })
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := composeCLI(t).Up(ctx, dir, project, nil); err != nil {
		t.Fatal(err)
	}
	return project, dir
}

func projectName(t *testing.T) string {
	var r [4]byte
	_, _ = rand.Read(r[:])
	base := compose.NormalizeProjectName(strings.ReplaceAll(t.Name(), "/", "-"))
	if len(base) > 30 {
		base = base[:30]
	}
	return "rwit-" + base + "-" + hex.EncodeToString(r[:])
}

func removeProject(t *testing.T, e *Engine, project string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	list, err := e.cli.ContainerList(ctx, container.ListOptions{All: true,
		Filters: filters.NewArgs(filters.Arg("label", LabelProject+"="+project))})
	if err != nil {
		t.Logf("cleanup of %s: %v", project, err)
		return
	}
	for _, c := range list {
		if err := e.cli.ContainerRemove(ctx, c.ID, container.RemoveOptions{Force: true}); err != nil {
			t.Logf("cleanup of %s: %v", project, err)
		}
	}
}

// byService indexes a project's containers by service (one-offs under "<service>+run").
func byService(t *testing.T, e *Engine, project string) map[string]Container {
	t.Helper()
	cs, err := e.ProjectContainers(context.Background(), project)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]Container{}
	for _, c := range cs {
		k := c.Service
		if c.OneOff {
			k += "+run"
		}
		if _, dup := out[k]; dup {
			t.Fatalf("two containers for %s", k)
		}
		out[k] = c
	}
	return out
}

func countLines(t *testing.T, path, substr string) int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return strings.Count(string(data), substr)
}
