// Package enginetest connects integration tests to the private Docker
// engine that the test run starts (.ci/dockerd), with the locally built
// test images (testdata/svc) in it.
package enginetest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"rewind/backend/compose"
	"rewind/backend/docker"
)

var (
	imagesOnce sync.Once
	imagesErr  error
)

// Engine connects to the engine at DOCKER_HOST, tuned by o (its Host left
// empty), and makes sure the test images rewind-svc:1..4 exist, building
// them once if not. Without
// DOCKER_HOST the test is skipped, unless REWIND_REQUIRE_DOCKER=1 promised
// an engine: then it fails. The connection closes when the test ends.
func Engine(t testing.TB, o docker.Options) *docker.Engine {
	t.Helper()
	if os.Getenv("DOCKER_HOST") == "" {
		if os.Getenv("REWIND_REQUIRE_DOCKER") == "1" {
			t.Fatal("REWIND_REQUIRE_DOCKER=1 but DOCKER_HOST is not set: the engine start failed")
		}
		t.Skip("DOCKER_HOST not set; start a private engine with .ci/dockerd start DIR")
	}
	ctx := context.Background()
	e, err := docker.Connect(ctx, o)
	if err != nil {
		t.Fatalf("DOCKER_HOST=%s is set but: %v", os.Getenv("DOCKER_HOST"), err)
	}
	t.Cleanup(func() { e.Close() })
	imagesOnce.Do(func() { imagesErr = ensureImages(ctx, e) })
	if imagesErr != nil {
		t.Fatal(imagesErr)
	}
	return e
}

// ensureImages builds the test images with .ci/build-test-images (found from
// a package directory under backend/) when one is missing.
func ensureImages(ctx context.Context, e *docker.Engine) error {
	for _, v := range []string{"1", "2", "3", "4"} {
		if ok, _ := e.ImageExists(ctx, "rewind-svc:"+v); !ok {
			out, err := exec.Command(filepath.Join("..", "..", ".ci", "build-test-images")).CombinedOutput()
			if err != nil {
				return fmt.Errorf("build test images: %v\n%s", err, out)
			}
			return nil
		}
	}
	return nil
}

// ByService returns the project's containers by Compose service name.
func ByService(t testing.TB, e *docker.Engine, project string) map[string]docker.Container {
	t.Helper()
	cs, err := e.ProjectContainers(context.Background(), project)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]docker.Container{}
	for _, c := range cs {
		out[c.Service] = c
	}
	return out
}

// Up starts the Compose project in dir with the real Compose CLI, waits until
// its services are healthy and takes it down when the test ends.
func Up(t testing.TB, e *docker.Engine, dir, project string) *compose.Runner {
	t.Helper()
	ctx := context.Background()
	cli, err := compose.CLI(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := cli.Up(ctx, dir, project, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Run(context.Background(), dir, project, nil, "down", "-t", "1") })
	if _, err := e.WaitHealthy(ctx, project, nil, time.Second, 60*time.Second); err != nil {
		t.Fatalf("deployment did not come up: %v", err)
	}
	return cli
}
