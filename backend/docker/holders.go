package docker

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
	"github.com/docker/docker/api/types/filters"
)

// Hold is a holder container: created (never started) from a pinned image so
// that no prune removes the image. A tag alone does not stop
// `docker image prune -a`, which removes every image no container uses.
type Hold struct {
	Project     string `json:"project"`
	Service     string `json:"service"`
	UpgradeID   int64  `json:"upgradeId"`
	Ref         string `json:"ref"`
	ContainerID string `json:"containerId,omitempty"`
}

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

// holderName is the holder's container name: one per project, service and
// upgrade, so that making it again after an interruption finds it.
func holderName(h Hold) string {
	return "rewind-pin-" + RefComponent(h.Project+"-"+h.Service) + "-" + strconv.FormatInt(h.UpgradeID, 10)
}

// Hold creates (never starts) a container from h.Ref so that no prune
// removes the image; an existing holder of the same name is kept.
func (e *Engine) Hold(ctx context.Context, h Hold) error {
	cfg := &container.Config{
		Image:      h.Ref,
		Entrypoint: []string{holderEntrypoint},
		Cmd:        []string{},
		Labels: map[string]string{labelPinProject: h.Project, labelPinService: h.Service,
			labelPinUpgrade: strconv.FormatInt(h.UpgradeID, 10), labelPinRef: h.Ref},
	}
	host := &container.HostConfig{NetworkMode: "none"}
	_, err := e.cli.ContainerCreate(ctx, cfg, host, nil, nil, holderName(h))
	if cerrdefs.IsConflict(err) {
		return nil // made before an interruption: the name is ours
	}
	if err != nil {
		return fmt.Errorf("create holder container for %s: %w", h.Ref, e.wrap(err))
	}
	return nil
}

// Holds lists the holder containers of a Compose project.
func (e *Engine) Holds(ctx context.Context, project string) ([]Hold, error) {
	list, err := e.cli.ContainerList(ctx, container.ListOptions{All: true,
		Filters: filters.NewArgs(filters.Arg("label", labelPinProject+"="+project))})
	if err != nil {
		return nil, fmt.Errorf("list holder containers: %w", e.wrap(err))
	}
	out := make([]Hold, 0, len(list))
	for _, c := range list {
		id, _ := strconv.ParseInt(c.Labels[labelPinUpgrade], 10, 64)
		out = append(out, Hold{Project: project, Service: c.Labels[labelPinService], UpgradeID: id,
			Ref: c.Labels[labelPinRef], ContainerID: c.ID})
	}
	return out, nil
}

// Release removes a holder container; one already gone is no error.
func (e *Engine) Release(ctx context.Context, h Hold) error {
	ref := h.ContainerID
	if ref == "" {
		ref = holderName(h)
	}
	err := e.cli.ContainerRemove(ctx, ref, container.RemoveOptions{})
	if err != nil && !cerrdefs.IsNotFound(err) {
		return fmt.Errorf("remove holder container %s: %w", ref, e.wrap(err))
	}
	return nil
}

// RefComponent turns s into a repository path component (and a valid
// container name part): lower-case letters and digits joined by single
// dashes, at most 120 characters, "x" when nothing is left.
func RefComponent(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return "x"
	}
	out := b.String()
	if len(out) > 120 {
		out = strings.TrimRight(out[:120], "-")
	}
	return out
}
