//go:build integration

package restore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"rewind/backend/op"
	"rewind/backend/store/storetest"
	"testing"
	"time"

	"rewind/backend/backup"
	"rewind/backend/deployment"
	"rewind/backend/enginetest"
)

// With real containers on a bind-mounted data directory: a link planted in
// the volume above an excluded path is refused before the containers stop;
// planted while they stop, the restore is undone and they run again. The
// host directory the link points to is never moved.
func TestPlantedLinkWithRealContainers(t *testing.T) {
	e := engine(t)
	ctx := context.Background()
	project := fmt.Sprintf("rwlink%d", time.Now().UnixNano()%1e9)
	root := filepath.Join(t.TempDir(), project)
	write(t, root, "docker-compose.yml", `services:
  web:
    image: rewind-svc:1
    network_mode: none
    restart: always
    volumes: ["./data:/data"]
`)
	write(t, root, "data/state.txt", "as backed up\n")
	write(t, root, "data/cache/tmp/scratch", "scratch\n")
	enginetest.Up(t, e, root, project)

	st := storetest.Open(t)
	dep, err := deployment.Init(ctx, st, t.TempDir(), deployment.InitOptions{Path: root, Excludes: []string{"data/cache/tmp"}})
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
	outside, intact := outsideDir(t, "tmp")
	r := New(bm.Kernel, bm, connect)
	r.StopTimeout = 2 * time.Second
	r.StartTimeout = 60 * time.Second
	web := enginetest.ByService(t, e, project)["web"]

	plant(t, root, "data/cache", outside)
	_, err = r.Run(ctx, dep, cr.Record.ID, Options{Mode: Data, Confirmed: true}, nil)
	intact()
	if !errors.Is(err, ErrLinkInPath) {
		t.Fatalf("link planted before: got %v, want a link error", err)
	}
	if c := enginetest.ByService(t, e, project)["web"]; c.ID != web.ID || !c.Running || !c.StartedAt.Equal(web.StartedAt) {
		t.Errorf("the refused restore touched the container: %+v, was %+v", c, web)
	}

	if err := os.Remove(filepath.Join(root, "data", "cache")); err != nil {
		t.Fatal(err)
	}
	write(t, root, "data/cache/tmp/scratch", "scratch\n")
	r.Kernel.Hook = func(step string) error {
		if step == "restore.carried" { // the containers are stopped, the swap is next
			plant(t, root, "data/cache", outside)
		}
		return nil
	}
	_, err = r.Run(ctx, dep, cr.Record.ID, Options{Mode: Data, Confirmed: true}, nil)
	intact()
	if !errors.Is(err, ErrLinkInPath) {
		t.Fatalf("link planted while stopping: got %v, want a link error", err)
	}
	if got := f(t, root, "data/state.txt"); got != "changed after the backup\n" {
		t.Errorf("data/state.txt: %q, want the live file back", got)
	}
	if c := enginetest.ByService(t, e, project)["web"]; c.ID != web.ID || !c.Running || c.Health != "healthy" {
		t.Errorf("web after the undo: %+v", c)
	}
}
