package upgrade

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"rewind/backend/compose"
	"rewind/backend/docker"
)

// fakeEngine plays Docker for unit tests: the faults the tests need (an
// image that never gets healthy, a missing image, a vanished engine) are
// set up on demand, which a real engine cannot do.
type fakeEngine struct {
	mu         sync.Mutex
	images     map[string]string // ref or ID → image ID
	pullable   map[string]string // what Pull can fetch
	unhealthy  map[string]bool   // image IDs that never get healthy
	containers []docker.Container
	holds      []docker.Hold
	next       int
	calls      []string
}

func newFakeEngine() *fakeEngine {
	e := &fakeEngine{images: map[string]string{}, pullable: map[string]string{}, unhealthy: map[string]bool{}}
	for _, v := range []string{"1", "2", "3"} {
		e.addImage("shop:"+v, "sha256:shop"+v)
	}
	e.unhealthy["sha256:shop3"] = true
	return e
}

func (e *fakeEngine) addImage(ref, id string) {
	e.images[ref] = id
	e.images[id] = id
}

func (e *fakeEngine) call(format string, args ...any) {
	e.calls = append(e.calls, fmt.Sprintf(format, args...))
}

// running returns the image ref each running service runs.
func (e *fakeEngine) running() map[string]string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := map[string]string{}
	for _, c := range e.containers {
		if c.Running {
			out[c.Service] = c.Image
		}
	}
	return out
}

func (e *fakeEngine) Snapshot(_ context.Context, project string) (docker.Snapshot, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := docker.Snapshot{Project: project, Containers: []docker.ContainerState{}}
	for _, c := range e.containers {
		s.Containers = append(s.Containers, docker.ContainerState{ID: c.ID, Service: c.Service, Name: c.Name,
			WasRunning: c.Running, Policy: c.RestartPolicy, Image: c.Image, ImageID: c.ImageID})
	}
	return s, nil
}

func (e *fakeEngine) ProjectContainers(context.Context, string) ([]docker.Container, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.containers), nil
}

func (e *fakeEngine) find(id string) *docker.Container {
	for i := range e.containers {
		if e.containers[i].ID == id {
			return &e.containers[i]
		}
	}
	return nil
}

func (e *fakeEngine) Stop(_ context.Context, snap docker.Snapshot, _ time.Duration) (docker.StopReport, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.call("stop")
	for _, s := range snap.Containers {
		if c := e.find(s.ID); c != nil {
			c.Running, c.State, c.RestartPolicy = false, "exited", docker.RestartPolicy{Name: "no"}
		}
	}
	return docker.StopReport{Project: snap.Project, Stopped: []docker.StoppedContainer{}}, nil
}

func (e *fakeEngine) Start(_ context.Context, snap docker.Snapshot, _ time.Duration) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.call("start")
	for _, s := range snap.Containers {
		if c := e.find(s.ID); c != nil {
			c.RestartPolicy = s.Policy
			if s.WasRunning {
				c.Running, c.State = true, "running"
			}
		}
	}
	return nil
}

func (e *fakeEngine) RestorePolicies(_ context.Context, snap docker.Snapshot) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, s := range snap.Containers {
		if c := e.find(s.ID); c != nil {
			c.RestartPolicy = s.Policy
		}
	}
	return nil
}

func (e *fakeEngine) WaitHealthy(_ context.Context, _ string, services []string, _, _ time.Duration) ([]docker.HealthReport, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var reports, bad []docker.HealthReport
	for _, s := range services {
		r := docker.HealthReport{Service: s, Reason: "no container"}
		for _, c := range e.containers {
			if c.Service == s {
				r = docker.HealthReport{ID: c.ID, Service: s, State: c.State, Ready: c.Running && !e.unhealthy[c.ImageID]}
				if !r.Ready {
					r.Reason = "unhealthy"
				}
			}
		}
		reports = append(reports, r)
		if !r.Ready {
			bad = append(bad, r)
		}
	}
	if len(bad) > 0 {
		return reports, &docker.HealthError{Containers: bad, Timeout: time.Second}
	}
	return reports, nil
}

func (e *fakeEngine) ImageInspect(_ context.Context, ref string) (docker.ImageInfo, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	id, ok := e.images[ref]
	if !ok {
		return docker.ImageInfo{}, fmt.Errorf("inspect image %s: %w", ref, docker.ErrImageNotFound)
	}
	return docker.ImageInfo{ID: id, RepoTags: []string{}, RepoDigests: []string{}}, nil
}

func (e *fakeEngine) Tag(_ context.Context, src, target string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	id, ok := e.images[src]
	if !ok {
		return fmt.Errorf("tag %s: %w", src, docker.ErrImageNotFound)
	}
	e.call("tag %s %s", src, target)
	e.images[target] = id
	return nil
}

func (e *fakeEngine) Pull(_ context.Context, ref string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.call("pull %s", ref)
	id, ok := e.pullable[ref]
	if !ok {
		return fmt.Errorf("pull %s: repository does not exist", ref)
	}
	e.addImage(ref, id)
	return nil
}

func (e *fakeEngine) RemoveTag(_ context.Context, ref string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if _, ok := e.images[ref]; !ok || strings.HasPrefix(ref, "sha256:") {
		return fmt.Errorf("remove tag %s: %w", ref, docker.ErrImageNotFound)
	}
	delete(e.images, ref)
	return nil
}

func (e *fakeEngine) Hold(_ context.Context, h docker.Hold) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.holds = append(e.holds, h)
	return nil
}

func (e *fakeEngine) Holds(_ context.Context, project string) ([]docker.Hold, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.holds), nil
}

func (e *fakeEngine) Release(_ context.Context, h docker.Hold) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.holds = slices.DeleteFunc(e.holds, func(x docker.Hold) bool { return x.UpgradeID == h.UpgradeID && x.Service == h.Service })
	return nil
}

func (e *fakeEngine) Close() error { return nil }

// up plays `compose up -d`: a service whose image changed gets a new
// container; an unchanged stopped one is started.
func (e *fakeEngine) up(dir string, env []string) error {
	vars, err := compose.ReadEnv(filepath.Join(dir, ".env"))
	if err != nil {
		return err
	}
	vars = maps.Clone(vars)
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	svcs, err := compose.Services(dir, vars)
	if err != nil {
		return err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.call("up")
	for _, s := range svcs {
		id, ok := e.images[s.Image]
		if !ok {
			return fmt.Errorf("pull access denied for %s", s.Image)
		}
		i := slices.IndexFunc(e.containers, func(c docker.Container) bool { return c.Service == s.Name })
		if i >= 0 && e.containers[i].ImageID == id {
			e.containers[i].Running, e.containers[i].State = true, "running"
			continue
		}
		if i >= 0 {
			e.containers = slices.Delete(e.containers, i, i+1)
		}
		e.next++
		e.containers = append(e.containers, docker.Container{ID: fmt.Sprintf("c%d", e.next), Name: s.Name + "_1",
			Service: s.Name, Image: s.Image, ImageID: id, State: "running", Running: true,
			RestartPolicy: docker.RestartPolicy{Name: "unless-stopped"}})
	}
	return nil
}

// fakeCompose runs compose up on a fakeEngine, or fails with err; after
// runs after each successful up (a new version writing into its data).
type fakeCompose struct {
	e     *fakeEngine
	err   error
	after func(dir string)
}

func (c *fakeCompose) Up(_ context.Context, dir, _ string, env []string) error {
	if c.err != nil {
		return c.err
	}
	if err := c.e.up(dir, env); err != nil {
		return err
	}
	if c.after != nil {
		c.after(dir)
	}
	return nil
}

var errEngineGone = fmt.Errorf("%w (test)", docker.ErrUnreachable)
