package upgrade

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
	"github.com/docker/docker/client"

	"rewind/backend/compose"
	"rewind/backend/docker"
)

// Labels of holder containers.
const (
	labelPinProject = "rewind.pin.project"
	labelPinService = "rewind.pin.service"
	labelPinUpgrade = "rewind.pin.upgrade"
	labelPinRef     = "rewind.pin.ref"
)

// holderEntrypoint is never run: holders are created, not started. It only
// satisfies the engine for images that define no command.
const holderEntrypoint = "/rewind-pin-holder"

// dockerEngine is the real Engine: the docker adapter, plus holder
// containers made through the Engine API client (a tag alone does not stop
// `docker image prune -a`, which removes every image no container uses).
type dockerEngine struct {
	*docker.Engine
	cli *client.Client
}

// ConnectDocker connects to the engine named by the environment
// (DOCKER_HOST and friends).
func ConnectDocker(ctx context.Context) (Engine, error) {
	e, err := docker.New(ctx)
	if err != nil {
		return nil, err
	}
	cli, err := client.NewClientWithOpts(client.FromEnv, client.WithAPIVersionNegotiation())
	if err != nil {
		e.Close()
		return nil, fmt.Errorf("docker client: %w", err)
	}
	return &dockerEngine{Engine: e, cli: cli}, nil
}

// ComposeCLI finds the Compose CLI: `docker compose`, else docker-compose.
func ComposeCLI(ctx context.Context) (Compose, error) {
	r, err := compose.CLI(ctx)
	if err != nil {
		return nil, err
	}
	return r, nil
}

func (d *dockerEngine) Close() error { return errors.Join(d.cli.Close(), d.Engine.Close()) }

func (d *dockerEngine) Hold(ctx context.Context, h Hold) error {
	cfg := &container.Config{
		Image:      h.Ref,
		Entrypoint: []string{holderEntrypoint},
		Cmd:        []string{},
		Labels: map[string]string{labelPinProject: h.Project, labelPinService: h.Service,
			labelPinUpgrade: strconv.FormatInt(h.UpgradeID, 10), labelPinRef: h.Ref},
	}
	host := &container.HostConfig{NetworkMode: "none"}
	_, err := d.cli.ContainerCreate(ctx, cfg, host, nil, nil, holderName(h))
	if cerrdefs.IsConflict(err) {
		return nil // made before an interruption: the name is ours
	}
	if err != nil {
		return fmt.Errorf("create holder container for %s: %w", h.Ref, err)
	}
	return nil
}

func (d *dockerEngine) Holds(ctx context.Context, project string) ([]Hold, error) {
	list, err := d.cli.ContainerList(ctx, container.ListOptions{All: true,
		Filters: filters.NewArgs(filters.Arg("label", labelPinProject+"="+project))})
	if err != nil {
		return nil, fmt.Errorf("list holder containers: %w", err)
	}
	out := make([]Hold, 0, len(list))
	for _, c := range list {
		id, _ := strconv.ParseInt(c.Labels[labelPinUpgrade], 10, 64)
		out = append(out, Hold{Project: project, Service: c.Labels[labelPinService], UpgradeID: id,
			Ref: c.Labels[labelPinRef], ContainerID: c.ID})
	}
	return out, nil
}

func (d *dockerEngine) Release(ctx context.Context, h Hold) error {
	ref := h.ContainerID
	if ref == "" {
		ref = holderName(h)
	}
	err := d.cli.ContainerRemove(ctx, ref, container.RemoveOptions{})
	if err != nil && !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("remove holder container %s: %w", ref, err)
	}
	return nil
}

var _ Engine = (*dockerEngine)(nil)
