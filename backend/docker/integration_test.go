//go:build integration

package docker

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docker/docker/api/types/container"
)

func TestStopStartRestoresRunningStateAndPolicies(t *testing.T) {
	t.Parallel()
	e := realEngine(t)
	ctx := context.Background()
	project, dir := deploy(t, e,
		svc{name: "app", image: "rewind-svc:1", restart: "always"},
		svc{name: "plain", image: "rewind-svc:2", restart: "unless-stopped", noHealthcheck: true},
		svc{name: "worker", image: "rewind-svc:2", restart: "on-failure:3"},
		svc{name: "idle", image: "rewind-svc:1", restart: "no"},
	)
	if _, err := e.WaitHealthy(ctx, project, nil, 0, 30*time.Second); err != nil {
		t.Fatalf("deployment did not come up: %v", err)
	}
	// An admin-stopped service and a one-off ("compose run -d") complete the picture.
	idle := byService(t, e, project)["idle"]
	if err := e.cli.ContainerStop(ctx, idle.ID, container.StopOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := composeCLI(t).Run(ctx, dir, project, nil, "run", "-d", "--no-deps", "app"); err != nil {
		t.Fatal(err)
	}
	before := byService(t, e, project)
	if len(before) != 5 || !before["app+run"].OneOff || before["idle"].Running {
		t.Fatalf("set-up: got %+v", before)
	}
	wantPolicies := map[string]RestartPolicy{
		"app": {Name: "always"}, "plain": {Name: "unless-stopped"},
		"worker": {Name: "on-failure", MaximumRetryCount: 3}, "idle": {Name: "no"},
	}
	for k, want := range wantPolicies {
		if got := before[k].RestartPolicy; got != want {
			t.Fatalf("set-up: policy of %s = %+v, want %+v", k, got, want)
		}
	}

	snap, err := e.Snapshot(ctx, project)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range snap.Containers {
		if c.WasRunning != (c.Service != "idle") {
			t.Errorf("snapshot: %s wasRunning = %v", c.Name, c.WasRunning)
		}
	}

	rep, err := e.Stop(ctx, snap, 5*time.Second)
	if err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if len(rep.Stopped) != 4 || len(rep.Killed()) != 0 {
		t.Fatalf("StopReport = %+v, want 4 stopped, none killed", rep)
	}
	for k, c := range byService(t, e, project) {
		if c.Running || c.Restarting {
			t.Errorf("after Stop: %s is %s", k, c.describe())
		}
		if c.RestartPolicy.Name != "no" {
			t.Errorf("after Stop: %s has restart policy %q, want no", k, c.RestartPolicy.Name)
		}
	}
	if n := countLines(t, filepath.Join(dir, "data", "log.txt"), "stop on terminated"); n != 5 { // idle + 4
		t.Errorf("log.txt has %d clean stops, want 5", n)
	}

	if err := e.Start(ctx, snap, 60*time.Second); err != nil {
		t.Fatalf("Start: %v", err)
	}
	after := byService(t, e, project)
	for k, b := range before {
		a := after[k]
		if a.ID != b.ID {
			t.Errorf("%s: container %s replaced by %s", k, b.ID, a.ID)
		}
		if a.Running != b.Running {
			t.Errorf("%s: running %v after Start, %v before", k, a.Running, b.Running)
		}
		if a.RestartPolicy != b.RestartPolicy {
			t.Errorf("%s: restart policy %+v after Start, %+v before", k, a.RestartPolicy, b.RestartPolicy)
		}
	}
	if h := after["app"].Health; h != HealthHealthy {
		t.Errorf("app health after Start = %q, want healthy", h)
	}
	if h := after["plain"].Health; h != HealthNone {
		t.Errorf("plain (healthcheck disabled) health = %q, want none", h)
	}
	reports, err := e.WaitHealthy(ctx, project, []string{"app", "plain", "worker"}, 0, 10*time.Second)
	if err != nil || len(reports) != 3 {
		t.Fatalf("WaitHealthy after Start = %+v, %v", reports, err)
	}
}

func TestStopKillsContainerIgnoringSIGTERM(t *testing.T) {
	t.Parallel()
	e := realEngine(t)
	ctx := context.Background()
	project, _ := deploy(t, e,
		svc{name: "stubborn", image: "rewind-svc:stubborn", restart: "always"},
		svc{name: "app", image: "rewind-svc:1", restart: "unless-stopped"},
	)
	if _, err := e.WaitHealthy(ctx, project, nil, 0, 30*time.Second); err != nil {
		t.Fatalf("deployment did not come up: %v", err)
	}
	restart, rep, err := e.StopProject(ctx, project, time.Second)
	if err != nil {
		t.Fatalf("StopProject: %v", err)
	}
	killed := rep.Killed()
	if len(rep.Stopped) != 2 || len(killed) != 1 || !strings.Contains(killed[0].Name, "stubborn") {
		t.Fatalf("StopReport = %+v, want 2 stopped and the stubborn one killed", rep)
	}
	if killed[0].ExitCode != 137 {
		t.Errorf("killed container exit code = %d, want 137", killed[0].ExitCode)
	}
	want := "container " + killed[0].Name + " ignored SIGTERM and was killed after 1s"
	if w := rep.Warnings(); len(w) != 1 || w[0] != want {
		t.Errorf("Warnings = %q, want [%q]", w, want)
	}
	t.Logf("stop with a 1 s timeout: stubborn took %d ms, clean one took %d ms",
		killed[0].TookMs, rep.Stopped[1-indexOf(rep.Stopped, killed[0].ID)].TookMs)

	if err := restart(ctx); err != nil {
		t.Fatalf("restart: %v", err)
	}
	for k, c := range byService(t, e, project) {
		if !c.Running || c.Health != HealthHealthy {
			t.Errorf("after restart: %s is %s", k, c.describe())
		}
	}
	if got := byService(t, e, project)["stubborn"].RestartPolicy.Name; got != "always" {
		t.Errorf("stubborn restart policy after restart = %q, want always", got)
	}
}

func indexOf(cs []StoppedContainer, id string) int {
	for i, c := range cs {
		if c.ID == id {
			return i
		}
	}
	return -1
}

func TestWaitHealthyNeverHealthy(t *testing.T) {
	t.Parallel()
	e := realEngine(t)
	project, _ := deploy(t, e, svc{name: "app", image: "rewind-svc:4", restart: "unless-stopped"})
	reports, err := e.WaitHealthy(context.Background(), project, nil, 200*time.Millisecond, 3*time.Second)
	var he *HealthError
	if !errors.As(err, &he) || !errors.Is(err, ErrNotHealthy) || he.Timeout != 3*time.Second {
		t.Fatalf("WaitHealthy = %v, want a HealthError after the 3s timeout", err)
	}
	if len(reports) != 1 || reports[0].Ready || reports[0].Health == HealthHealthy || reports[0].Health == HealthNone {
		t.Fatalf("reports = %+v, want app running with health starting or unhealthy", reports)
	}
	if !strings.Contains(err.Error(), "app") {
		t.Errorf("error %q does not name the service", err)
	}
}

func TestWaitHealthyDetectsCrashingUpgrade(t *testing.T) {
	t.Parallel()
	e := realEngine(t)
	ctx := context.Background()
	project, dir := deploy(t, e,
		svc{name: "loop", image: "rewind-svc:3", restart: "always"},
		svc{name: "once", image: "rewind-svc:3", restart: "no"},
	)
	// Without a restart policy the crash is final: no need to wait out the timeout.
	reports, err := e.WaitHealthy(ctx, project, []string{"once"}, time.Second, time.Minute)
	var he *HealthError
	if !errors.As(err, &he) || he.Timeout != 0 {
		t.Fatalf("WaitHealthy(once) = %+v, %v; want an early HealthError", reports, err)
	}
	if r := he.Containers[0]; r.ExitCode != 1 || !strings.Contains(r.Reason, "exited (code 1) and will not be restarted") {
		t.Errorf("once: %+v", r)
	}

	// Under "always" it crash-loops: never up for a whole window.
	reports, err = e.WaitHealthy(ctx, project, []string{"loop"}, 2*time.Second, 6*time.Second)
	if !errors.As(err, &he) || he.Timeout == 0 {
		t.Fatalf("WaitHealthy(loop) = %+v, %v; want a HealthError after the timeout", reports, err)
	}
	if r := reports[0]; r.Ready || r.RestartCount < 1 {
		t.Errorf("loop: %+v, want not ready and restarted at least once", r)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "junk-v3.bin")); err != nil {
		t.Errorf("version 3 left no junk: %v", err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "data", "state.txt")); !strings.Contains(string(got), "broken version 3") {
		t.Errorf("state.txt = %q, want it overwritten by version 3", got)
	}
}

func TestRemovedContainerIsReported(t *testing.T) {
	t.Parallel()
	e := realEngine(t)
	ctx := context.Background()
	project, _ := deploy(t, e, svc{name: "app", image: "rewind-svc:1", restart: "always"})
	snap, err := e.Snapshot(ctx, project)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.cli.ContainerRemove(ctx, snap.Containers[0].ID, container.RemoveOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	var ce *ContainerError
	if _, err := e.Stop(ctx, snap, time.Second); !errors.Is(err, ErrContainerGone) || !errors.As(err, &ce) ||
		ce.Name != snap.Containers[0].Name {
		t.Errorf("Stop = %v, want ErrContainerGone naming %s", err, snap.Containers[0].Name)
	}
	if err := e.Start(ctx, snap, time.Second); !errors.Is(err, ErrContainerGone) {
		t.Errorf("Start = %v, want ErrContainerGone", err)
	}
}

func TestProjectContainersUnknownProject(t *testing.T) {
	t.Parallel()
	e := realEngine(t)
	cs, err := e.ProjectContainers(context.Background(), projectName(t))
	if err != nil || cs == nil || len(cs) != 0 {
		t.Fatalf("ProjectContainers = %#v, %v; want an empty list", cs, err)
	}
}

func TestImages(t *testing.T) {
	t.Parallel()
	e := realEngine(t)
	ctx := context.Background()
	src, err := e.ImageInspect(ctx, "rewind-svc:1")
	if err != nil {
		t.Fatal(err)
	}
	pin := projectName(t) + ":pin"
	if err := e.Tag(ctx, "rewind-svc:1", pin); err != nil {
		t.Fatal(err)
	}
	got, err := e.ImageInspect(ctx, pin)
	if err != nil || got.ID != src.ID {
		t.Fatalf("pinned image = %+v, %v; want ID %s", got, err, src.ID)
	}
	if err := e.RemoveTag(ctx, src.ID); err == nil {
		t.Fatal("RemoveTag accepted an image ID")
	}
	if err := e.RemoveTag(ctx, pin); err != nil {
		t.Fatal(err)
	}
	for ref, want := range map[string]bool{pin: false, "rewind-svc:1": true} {
		if ok, err := e.ImageExists(ctx, ref); err != nil || ok != want {
			t.Errorf("ImageExists(%s) = %v, %v; want %v", ref, ok, err, want)
		}
	}
	if _, err := e.ImageInspect(ctx, "rewind-svc:missing"); !errors.Is(err, ErrImageNotFound) {
		t.Errorf("ImageInspect of a missing image = %v, want ErrImageNotFound", err)
	}
	if err := e.Tag(ctx, "rewind-svc:missing", pin); !errors.Is(err, ErrImageNotFound) {
		t.Errorf("Tag of a missing image = %v, want ErrImageNotFound", err)
	}
	// Nothing listens on port 1: the pull fails, quickly, as it would offline.
	pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := e.Pull(pctx, "127.0.0.1:1/rewind/none:1"); err == nil || errors.Is(err, ErrUnreachable) {
		t.Errorf("Pull from a dead registry = %v, want a pull error", err)
	}
}

// A holder container keeps a pinned image from being pruned: Hold makes it
// (again, after an interruption, without error), Holds finds it by project,
// Release removes it (again without error).
func TestHolders(t *testing.T) {
	t.Parallel()
	e := realEngine(t)
	ctx := context.Background()
	project := projectName(t)
	pin := "rewind-pin/" + RefComponent(project+"-web") + ":upgrade-7"
	if err := e.Tag(ctx, "rewind-svc:1", pin); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.RemoveTag(context.Background(), pin) })
	h := Hold{Project: project, Service: "web", UpgradeID: 7, Ref: pin}
	for range 2 {
		if err := e.Hold(ctx, h); err != nil {
			t.Fatal(err)
		}
	}
	holds, err := e.Holds(ctx, project)
	if err != nil || len(holds) != 1 {
		t.Fatalf("Holds = %+v, %v; want one", holds, err)
	}
	if got := holds[0]; got.Service != "web" || got.UpgradeID != 7 || got.Ref != pin || got.ContainerID == "" {
		t.Errorf("hold %+v", got)
	}
	if cs, _ := e.ProjectContainers(ctx, project); len(cs) != 0 {
		t.Errorf("a holder counts as a container of the project: %+v", cs)
	}
	for range 2 {
		if err := e.Release(ctx, h); err != nil {
			t.Fatal(err)
		}
	}
	if holds, err := e.Holds(ctx, project); err != nil || len(holds) != 0 {
		t.Errorf("Holds after Release = %+v, %v", holds, err)
	}
}
