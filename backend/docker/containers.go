package docker

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
)

// Compose labels. Containers are identified by these, never by name
// (Compose v1 names them p_s_1, v2 p-s-1).
const (
	LabelProject = "com.docker.compose.project"
	LabelService = "com.docker.compose.service"
	LabelOneOff  = "com.docker.compose.oneoff"
)

// Health states; "" means the container has no healthcheck.
const (
	HealthNone      = ""
	HealthStarting  = "starting"
	HealthHealthy   = "healthy"
	HealthUnhealthy = "unhealthy"
)

// RestartPolicy is a container's restart policy as the engine reports it.
// Name is "no" (also when none is set), "always", "unless-stopped" or "on-failure".
type RestartPolicy struct {
	Name              string `json:"name"`
	MaximumRetryCount int    `json:"maximumRetryCount"`
}

// Container is one container of a Compose project.
type Container struct {
	ID            string        `json:"id"`
	Name          string        `json:"name"`
	Service       string        `json:"service"`
	Image         string        `json:"image"`   // as configured, e.g. "shop:1.4"
	ImageID       string        `json:"imageId"` // "sha256:…"
	State         string        `json:"state"`   // created, running, paused, restarting, removing, exited, dead
	Running       bool          `json:"running"` // also true while restarting or paused, as the engine reports it
	Restarting    bool          `json:"restarting"`
	Health        string        `json:"health"` // "" without healthcheck, else starting, healthy, unhealthy
	ExitCode      int           `json:"exitCode"`
	RestartPolicy RestartPolicy `json:"restartPolicy"`
	OneOff        bool          `json:"oneOff"`                     // created by "compose run"
	StartedAt     time.Time     `json:"startedAt" ts_type:"string"` // zero when never started
	RestartCount  int           `json:"restartCount"`
	AutoRemove    bool          `json:"autoRemove"` // the engine removes it once stopped ("run --rm")

	created     time.Time
	stopTimeout *int // seconds, from the container's config
}

// ProjectContainers lists every container of a Compose project in any state,
// including one-off containers, oldest first (Compose creates dependencies
// first, so this order starts them correctly).
func (e *Engine) ProjectContainers(ctx context.Context, project string) ([]Container, error) {
	if project == "" {
		return nil, errors.New("list containers: empty project name")
	}
	list, err := e.cli.ContainerList(ctx, container.ListOptions{
		All:     true,
		Filters: filters.NewArgs(filters.Arg("label", LabelProject+"="+project)),
	})
	if err != nil {
		return nil, fmt.Errorf("list containers of project %s: %w", project, e.wrap(err))
	}
	out := make([]Container, 0, len(list))
	for _, s := range list {
		c, err := e.inspect(ctx, s.ID)
		if errors.Is(err, ErrContainerGone) {
			continue // removed between list and inspect
		}
		if err != nil {
			return nil, fmt.Errorf("container %s: %w", ShortID(s.ID), err)
		}
		out = append(out, c)
	}
	sortContainers(out)
	return out, nil
}

func sortContainers(cs []Container) {
	sort.SliceStable(cs, func(i, j int) bool {
		if !cs[i].created.Equal(cs[j].created) {
			return cs[i].created.Before(cs[j].created)
		}
		return cs[i].Name < cs[j].Name
	})
}

// inspect returns the container's current state; a missing container yields
// ErrContainerGone.
func (e *Engine) inspect(ctx context.Context, id string) (Container, error) {
	ins, err := e.cli.ContainerInspect(ctx, id)
	if err != nil {
		if cerrdefs.IsNotFound(err) {
			return Container{}, ErrContainerGone
		}
		return Container{}, fmt.Errorf("inspect: %w", e.wrap(err))
	}
	return fromInspect(ins), nil
}

func fromInspect(ins container.InspectResponse) Container {
	var c Container
	if ins.ContainerJSONBase == nil {
		return c
	}
	c.ID = ins.ID
	c.Name = strings.TrimPrefix(ins.Name, "/")
	c.ImageID = ins.Image
	c.RestartCount = ins.RestartCount
	c.created = parseTime(ins.Created)
	if ins.Config != nil {
		c.Image = ins.Config.Image
		c.Service = ins.Config.Labels[LabelService]
		c.OneOff = strings.EqualFold(ins.Config.Labels[LabelOneOff], "true")
		c.stopTimeout = ins.Config.StopTimeout
	}
	if ins.HostConfig != nil {
		c.RestartPolicy = RestartPolicy{Name: string(ins.HostConfig.RestartPolicy.Name),
			MaximumRetryCount: ins.HostConfig.RestartPolicy.MaximumRetryCount}
		if c.RestartPolicy.Name == "" {
			// none set; the engine cannot set "" back, and treats it as "no"
			c.RestartPolicy.Name = string(container.RestartPolicyDisabled)
		}
		c.AutoRemove = ins.HostConfig.AutoRemove
	}
	if st := ins.State; st != nil {
		c.State = string(st.Status)
		c.Running = st.Running
		c.Restarting = st.Restarting
		c.ExitCode = st.ExitCode
		c.StartedAt = parseTime(st.StartedAt)
		if st.Health != nil {
			c.Health = string(st.Health.Status)
		}
	}
	return c
}

// parseTime reads the engine's RFC 3339 times; its "0001-01-01T00:00:00Z"
// (never) becomes the zero time.
func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil || t.Year() <= 1 {
		return time.Time{}
	}
	return t
}

// describe is a container's state for messages: "running (healthy)",
// "exited (code 137)", "restarting (restarted 3 times)".
func (c Container) describe() string {
	switch {
	case c.Restarting:
		return fmt.Sprintf("restarting (restarted %d times)", c.RestartCount)
	case c.State == "exited" || c.State == "dead":
		return fmt.Sprintf("%s (code %d)", c.State, c.ExitCode)
	case c.Health != HealthNone:
		return fmt.Sprintf("%s (%s)", c.State, c.Health)
	}
	return c.State
}
