//go:build integration

package restore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rewind/backend/backup"
	"rewind/backend/compose"
	"rewind/backend/deployment"
	"rewind/backend/docker"
	"rewind/backend/store"
)

// engine connects to the private engine the test run started; it fails
// instead of skipping when REWIND_REQUIRE_DOCKER=1 promised one.
func engine(t *testing.T) *docker.Engine {
	t.Helper()
	if os.Getenv("DOCKER_HOST") == "" {
		if os.Getenv("REWIND_REQUIRE_DOCKER") == "1" {
			t.Fatal("REWIND_REQUIRE_DOCKER=1 but DOCKER_HOST is not set: the engine start failed")
		}
		t.Skip("DOCKER_HOST not set; start a private engine with .ci/dockerd start DIR")
	}
	e, err := docker.New(context.Background(), docker.WithSettleWindow(time.Second))
	if err != nil {
		t.Fatalf("DOCKER_HOST is set but: %v", err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func byService(t *testing.T, e *docker.Engine, project string) map[string]docker.Container {
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

func TestRestoreStopsAndRestartsRealContainers(t *testing.T) {
	e := engine(t)
	ctx := context.Background()
	project := fmt.Sprintf("rwrestore%d", time.Now().UnixNano()%1e9)
	root := filepath.Join(t.TempDir(), project)
	write(t, root, "docker-compose.yml", `services:
  web:
    image: rewind-svc:1
    network_mode: none
    restart: always
    volumes: ["./data:/data"]
  stubborn:
    image: rewind-svc:stubborn
    network_mode: none
    restart: unless-stopped
  idle:
    image: rewind-svc:2
    network_mode: none
    restart: "no"
`)
	write(t, root, ".env", "APP_VERSION=1\n")
	write(t, root, "data/state.txt", "as backed up\n")
	cli, err := compose.CLI(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := cli.Up(ctx, root, project, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cli.Run(context.Background(), root, project, nil, "down", "-t", "1") })
	if _, err := e.WaitHealthy(ctx, project, nil, time.Second, 60*time.Second); err != nil {
		t.Fatalf("deployment did not come up: %v", err)
	}
	idle := byService(t, e, project)["idle"]
	if err := cli.Run(ctx, root, project, nil, "stop", "-t", "1", "idle"); err != nil {
		t.Fatal(err)
	}
	before := byService(t, e, project)
	if before["idle"].Running || !before["web"].Running || !before["stubborn"].Running {
		t.Fatalf("set-up: %+v", before)
	}

	st, err := store.OpenMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	dep, err := deployment.Init(ctx, st, t.TempDir(), deployment.InitOptions{Path: root})
	if err != nil {
		t.Fatal(err)
	}
	connect := func(context.Context) (backup.Engine, error) { return e, nil }
	bm := backup.New(st, t.TempDir(), connect)
	bm.StopTimeout = 2 * time.Second
	cr, err := bm.Create(ctx, dep, backup.CreateRequest{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	write(t, root, "data/state.txt", "changed after the backup\n")

	r := New(st, bm, connect)
	r.StopTimeout = 2 * time.Second
	r.StartTimeout = 60 * time.Second
	var duringSwap map[string]docker.Container
	r.Fault = func(step string) error {
		if step == "R8.carried" {
			duringSwap = byService(t, e, project)
		}
		return nil
	}
	res, err := r.Run(ctx, dep, cr.Record.ID, Options{Mode: Data, Confirmed: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for svc, c := range duringSwap {
		if c.Running {
			t.Errorf("during the swap %s was running", svc)
		}
	}
	if got := f(t, root, "data/state.txt"); got != "as backed up\n" {
		t.Errorf("data/state.txt: got %q", got)
	}
	after := byService(t, e, project)
	for svc, b := range before {
		a := after[svc]
		if a.ID != b.ID {
			t.Errorf("%s was recreated", svc)
		}
		if a.Running != b.Running {
			t.Errorf("%s: running %v, was %v", svc, a.Running, b.Running)
		}
		if a.RestartPolicy != b.RestartPolicy {
			t.Errorf("%s: policy %+v, was %+v", svc, a.RestartPolicy, b.RestartPolicy)
		}
	}
	if after["web"].Health != "healthy" {
		t.Errorf("web health after the restore: %q", after["web"].Health)
	}
	if after["idle"].ID != idle.ID || after["idle"].Running {
		t.Errorf("idle: a stopped container must stay stopped: %+v", after["idle"])
	}
	killed := false
	for _, w := range res.Warnings {
		if strings.Contains(w, "stubborn") && strings.Contains(w, "killed") {
			killed = true
		}
	}
	if !killed {
		t.Errorf("the stubborn container ignores SIGTERM; want a warning that it was killed, got %v", res.Warnings)
	}
}

func f(t *testing.T, root, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
