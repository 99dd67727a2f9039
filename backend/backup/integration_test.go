//go:build integration

package backup_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
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
	"rewind/backend/progress"
)

// A backup with the services stopped: the containers that ran are stopped
// during the archive (they write to their data as they shut down, which
// must not fail the backup) and run again afterwards, healthy.
func TestBackupWithStoppedServices(t *testing.T) {
	ctx := context.Background()
	e, project, root, m, dep := runningDeployment(t, "always")
	m.StartTimeout = time.Minute
	res, err := m.Create(ctx, dep, backup.CreateRequest{StopServices: true}, nil)
	if err != nil {
		t.Fatalf("backup with stopped services: %v", err)
	}
	log, _ := os.ReadFile(filepath.Join(root, "data", "log.txt"))
	if !strings.Contains(string(log), "stop") {
		t.Errorf("the service was not stopped during the backup; its log: %q", log)
	}
	det, err := m.Show(ctx, dep, res.Record.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(det.Manifest.Services) != 1 || det.Manifest.Services[0].ImageID == "" {
		t.Errorf("manifest services: %+v, want web with its image ID", det.Manifest.Services)
	}
	cs, err := e.ProjectContainers(ctx, project)
	if err != nil || len(cs) != 1 || !cs[0].Running || cs[0].RestartPolicy.Name != "always" {
		t.Fatalf("after the backup: %+v %v, want web running with restart always", cs, err)
	}
	if _, err := e.WaitHealthy(ctx, project, nil, time.Second, 60*time.Second); err != nil {
		t.Errorf("not healthy after the backup: %v", err)
	}
}

// When the services cannot be started again after a backup that completed
// (here the container is removed while it is stopped, during the archive),
// the backup stays a completed one and the error says so and what to do.
func TestBackupCompleteButServicesDoNotStart(t *testing.T) {
	ctx := context.Background()
	e, project, _, m, dep := runningDeployment(t, "no")
	m.StartTimeout = 20 * time.Second
	removed := false
	res, err := m.Create(ctx, dep, backup.CreateRequest{StopServices: true}, func(p progress.Progress) {
		if p.Phase == progress.Archiving && !removed {
			removed = true
			for _, c := range enginetest.ByService(t, e, project) {
				if out, err := exec.Command("docker", "rm", c.ID).CombinedOutput(); err != nil {
					t.Errorf("docker rm: %v: %s", err, out)
				}
			}
		}
	})
	if err == nil || !strings.Contains(err.Error(), "is complete, but the services did not start again") ||
		!strings.Contains(err.Error(), "docker compose up -d") {
		t.Fatalf("err = %v; want it to say the backup is complete and how to start the services", err)
	}
	list, lerr := m.List(ctx, dep)
	if lerr != nil || len(list) != 1 || list[0].Status != backup.StatusCompleted || !list[0].FileExists {
		t.Fatalf("backups after the failed restart: %+v %v; want one completed backup with its file", list, lerr)
	}
	if res.Record.ID != 0 && res.Record.ID != list[0].ID {
		t.Errorf("result names backup %d, the catalog %d", res.Record.ID, list[0].ID)
	}
	if _, verr := m.Verify(ctx, dep, list[0].ID, nil); verr != nil {
		t.Errorf("the kept backup does not verify: %v", verr)
	}
}

// runningDeployment starts a one-service deployment (rewind-svc:1, ./data
// mounted, the given restart policy) on the real engine and returns it
// registered in an in-memory catalog with a backup manager.
func runningDeployment(t *testing.T, restart string) (*docker.Engine, string, string, *backup.Manager, deployment.Deployment) {
	t.Helper()
	e := enginetest.Engine(t, docker.Options{Settle: time.Second})
	project := fmt.Sprintf("rwbackup%d", time.Now().UnixNano()%1e9)
	root := filepath.Join(t.TempDir(), project)
	if err := os.MkdirAll(filepath.Join(root, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	compose := fmt.Sprintf(`services:
  web:
    image: rewind-svc:1
    network_mode: none
    restart: %q
    volumes: ["./data:/data"]
`, restart)
	if err := os.WriteFile(filepath.Join(root, "docker-compose.yml"), []byte(compose), 0o644); err != nil {
		t.Fatal(err)
	}
	enginetest.Up(t, e, root, project)
	st := storetest.Open(t)
	dep, err := deployment.Init(context.Background(), st, t.TempDir(), deployment.InitOptions{Path: root})
	if err != nil {
		t.Fatal(err)
	}
	m := backup.New(op.New(st), func(context.Context) (backup.Engine, error) { return e, nil })
	return e, project, root, m, dep
}
