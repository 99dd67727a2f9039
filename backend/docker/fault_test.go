package docker

import (
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestConnectUnreachable(t *testing.T) {
	closed := httptest.NewServer(nil)
	closedHost := "tcp://" + closed.Listener.Addr().String()
	closed.Close()
	for _, tc := range []struct{ name, host string }{
		{"missing socket", "unix://" + filepath.Join(t.TempDir(), "docker.sock")},
		{"closed port", closedHost},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, err := Connect(context.Background(), Options{Host: tc.host})
			if err == nil {
				e.Close()
				t.Fatal("Connect succeeded against a dead engine")
			}
			if !errors.Is(err, ErrUnreachable) {
				t.Fatalf("Connect error = %v, want ErrUnreachable", err)
			}
			msg := err.Error()
			for _, want := range []string{"docker engine unreachable at " + tc.host, "is dockerd running and DOCKER_HOST right?"} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %q", msg, want)
				}
			}
		})
	}
}

// An address no client can be made for is unreachable too, and the error
// says what was tried.
func TestConnectBadAddress(t *testing.T) {
	t.Setenv("DOCKER_HOST", "nohost")
	e, err := Connect(context.Background(), Options{})
	if err == nil {
		e.Close()
		t.Fatal("Connect succeeded with an unusable DOCKER_HOST")
	}
	if !errors.Is(err, ErrUnreachable) || !strings.Contains(err.Error(), `DOCKER_HOST="nohost"`) {
		t.Errorf("Connect error = %v, want ErrUnreachable naming DOCKER_HOST", err)
	}
}

// A start that fails is a fault the real engine does not produce on demand.
func TestStartFailureStillRestoresEveryPolicy(t *testing.T) {
	f := newFake(t)
	f.add("aaa", "app", true, RestartPolicy{Name: "always"})
	f.add("bbb", "web", true, RestartPolicy{Name: "unless-stopped"})
	f.add("ccc", "job", false, RestartPolicy{Name: "on-failure", MaximumRetryCount: 3})
	e := f.engine(t)
	ctx := context.Background()

	snap, err := e.Snapshot(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Stop(ctx, snap, time.Second); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"aaa", "bbb", "ccc"} {
		if got := f.policy(id).Name; got != "no" {
			t.Fatalf("policy of %s after Stop = %q, want no", id, got)
		}
	}
	f.failStart["aaa"] = true

	err = e.Start(ctx, snap, 5*time.Second)
	var ce *ContainerError
	if !errors.As(err, &ce) || ce.Op != "start" || ce.Name != "p_app_1" || ce.State != "exited (code 0)" {
		t.Fatalf("Start error = %v, want a start ContainerError naming p_app_1 and its state", err)
	}
	if !strings.Contains(err.Error(), "injected failure") {
		t.Errorf("error %q lacks the engine's reason", err)
	}
	for id, want := range map[string]RestartPolicy{
		"aaa": {Name: "always"}, "bbb": {Name: "unless-stopped"}, "ccc": {Name: "on-failure", MaximumRetryCount: 3},
	} {
		if got := f.policy(id); got != want {
			t.Errorf("policy of %s = %+v, want %+v", id, got, want)
		}
	}
	if !f.isRunning("bbb") {
		t.Error("bbb was running before and is not running after Start")
	}
	if f.isRunning("ccc") {
		t.Error("ccc was stopped before and Start started it")
	}
}

// The engine vanishing mid-operation cannot be produced on demand either.
func TestEngineVanishes(t *testing.T) {
	f := newFake(t)
	f.add("aaa", "app", true, RestartPolicy{Name: "always"})
	e := f.engine(t)
	ctx := context.Background()
	snap, err := e.Snapshot(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	f.srv.CloseClientConnections()
	f.srv.Close()

	if _, err := e.Stop(ctx, snap, time.Second); !errors.Is(err, ErrUnreachable) {
		t.Errorf("Stop error = %v, want ErrUnreachable", err)
	}
	if err := e.Start(ctx, snap, time.Second); !errors.Is(err, ErrUnreachable) {
		t.Errorf("Start error = %v, want ErrUnreachable", err)
	}
	if _, err := e.WaitHealthy(ctx, "p", nil, 0, time.Second); !errors.Is(err, ErrUnreachable) {
		t.Errorf("WaitHealthy error = %v, want ErrUnreachable", err)
	}
}

// A container that survives SIGKILL (a stuck kernel task) must abort the operation.
func TestStopAbortsWhenContainerSurvivesKill(t *testing.T) {
	f := newFake(t)
	f.add("aaa", "app", true, RestartPolicy{Name: "always"})
	f.add("bbb", "db", true, RestartPolicy{Name: "always"})
	f.immortal["bbb"] = true
	e := f.engine(t)
	e.confirm = 50 * time.Millisecond
	ctx := context.Background()
	snap, err := e.Snapshot(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := e.Stop(ctx, snap, time.Second)
	if !errors.Is(err, ErrStillRunning) {
		t.Fatalf("Stop error = %v, want ErrStillRunning", err)
	}
	var ce *ContainerError
	if !errors.As(err, &ce) || ce.Name != "p_db_1" || !strings.Contains(ce.State, "running") {
		t.Fatalf("Stop error = %v, want a ContainerError naming p_db_1 in state running", err)
	}
	if len(rep.Stopped) != 2 || f.isRunning("aaa") {
		t.Errorf("report %+v; the other container must still be stopped", rep.Stopped)
	}
}

// A container created while the project is being stopped (someone ran
// "compose up") is detected; the real engine cannot time this on demand.
func TestStopDetectsNewcomer(t *testing.T) {
	f := newFake(t)
	f.add("aaa", "app", true, RestartPolicy{Name: "always"})
	f.onStop = func(f *fakeEngine) {
		id := "new"
		f.containers[id] = &fakeContainer{id: id, name: "p_app_2", service: "app", running: true}
		f.order = append(f.order, id)
	}
	e := f.engine(t)
	ctx := context.Background()
	snap, err := e.Snapshot(ctx, "p")
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.Stop(ctx, snap, time.Second)
	if !errors.Is(err, ErrProjectChanged) || !strings.Contains(err.Error(), "p_app_2") {
		t.Fatalf("Stop error = %v, want ErrProjectChanged naming p_app_2", err)
	}
}

func TestStopProjectRestartNeverNil(t *testing.T) {
	f := newFake(t)
	e := f.engine(t)
	f.srv.Close()
	restart, _, err := e.StopProject(context.Background(), "p", time.Second)
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("StopProject error = %v, want ErrUnreachable", err)
	}
	if restart == nil {
		t.Fatal("restart is nil")
	}
	if err := restart(context.Background()); err != nil {
		t.Fatalf("restart after a failed snapshot = %v, want nil (nothing was stopped)", err)
	}
}
