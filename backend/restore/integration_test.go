//go:build integration

package restore

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"rewind/backend/op"
	"rewind/backend/store/storetest"
	"strings"
	"testing"
	"time"

	"rewind/backend/backup"
	"rewind/backend/deployment"
	"rewind/backend/docker"
	"rewind/backend/enginetest"
)

func engine(t *testing.T) *docker.Engine {
	return enginetest.Engine(t, docker.Options{Settle: time.Second})
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
	cli := enginetest.Up(t, e, root, project)
	idle := enginetest.ByService(t, e, project)["idle"]
	if err := cli.Run(ctx, root, project, nil, "stop", "-t", "1", "idle"); err != nil {
		t.Fatal(err)
	}
	before := enginetest.ByService(t, e, project)
	if before["idle"].Running || !before["web"].Running || !before["stubborn"].Running {
		t.Fatalf("set-up: %+v", before)
	}

	st := storetest.Open(t)
	dep, err := deployment.Init(ctx, st, t.TempDir(), deployment.InitOptions{Path: root})
	if err != nil {
		t.Fatal(err)
	}
	connect := func(context.Context) (backup.Engine, error) { return e, nil }
	bm := backup.New(op.New(st), connect)
	bm.StopTimeout = 2 * time.Second
	cr, err := bm.Create(ctx, dep, backup.CreateRequest{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	write(t, root, "data/state.txt", "changed after the backup\n")

	r := New(bm.Kernel, bm, connect)
	r.StopTimeout = 2 * time.Second
	r.StartTimeout = 60 * time.Second
	var duringSwap map[string]docker.Container
	r.Kernel.Hook = func(step string) error {
		if step == "restore.carried" {
			duringSwap = enginetest.ByService(t, e, project)
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
	after := enginetest.ByService(t, e, project)
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
