package docker

import (
	"context"
	"fmt"

	"rewind/backend/archive"
)

// Snapshot records a project's containers before they are stopped: which
// ran and every restart policy. Journal it before calling Stop; Start and
// RestorePolicies put things back from it, also after a crash.
type Snapshot struct {
	Project    string           `json:"project"`
	Containers []ContainerState `json:"containers"`
}

// ContainerState is one container's state as recorded by Snapshot.
type ContainerState struct {
	ID         string        `json:"id"`
	Service    string        `json:"service"`
	Name       string        `json:"name"` // for messages only; identity is ID
	OneOff     bool          `json:"oneOff"`
	WasRunning bool          `json:"wasRunning"`
	Policy     RestartPolicy `json:"policy"`
	AutoRemove bool          `json:"autoRemove"` // gone once stopped; Start does not expect it back
	Image      string        `json:"image"`      // as configured
	ImageID    string        `json:"imageId"`    // "sha256:…"
	RepoDigest string        `json:"repoDigest"` // "repo@sha256:…" when the image came from a registry
}

// Snapshot records every container of project (one-offs included), oldest first.
func (e *Engine) Snapshot(ctx context.Context, project string) (Snapshot, error) {
	cs, err := e.ProjectContainers(ctx, project)
	if err != nil {
		return Snapshot{}, fmt.Errorf("snapshot: %w", err)
	}
	snap := Snapshot{Project: project, Containers: make([]ContainerState, 0, len(cs))}
	digests := map[string]string{}
	for _, c := range cs {
		d, ok := digests[c.ImageID]
		if !ok {
			d = e.repoDigest(ctx, c.Image, c.ImageID)
			digests[c.ImageID] = d
		}
		snap.Containers = append(snap.Containers, ContainerState{
			ID: c.ID, Service: c.Service, Name: c.Name, OneOff: c.OneOff,
			WasRunning: c.Running, Policy: c.RestartPolicy, AutoRemove: c.AutoRemove,
			Image: c.Image, ImageID: c.ImageID, RepoDigest: d,
		})
	}
	return snap, nil
}

// Running returns the containers that were running when the snapshot was taken.
func (s Snapshot) Running() []ContainerState {
	out := []ContainerState{}
	for _, c := range s.Containers {
		if c.WasRunning {
			out = append(out, c)
		}
	}
	return out
}

// Images returns what each service runs, once per service in the order
// its containers were created: the image of its first service container,
// or, for a service that has only one-off containers ("compose run"), of
// its first one-off. A one-off left over from an older version must not
// stand for the service. Containers without a service label are skipped.
func (s Snapshot) Images() []archive.ServiceImage {
	out := []archive.ServiceImage{}
	seen := map[string]bool{}
	for _, oneOff := range []bool{false, true} {
		for _, c := range s.Containers {
			if c.OneOff != oneOff || c.Service == "" || seen[c.Service] {
				continue
			}
			seen[c.Service] = true
			out = append(out, archive.ServiceImage{Service: c.Service, Image: c.Image, ImageID: c.ImageID, RepoDigest: c.RepoDigest})
		}
	}
	return out
}

// repoDigest picks the image's registry digest, preferring the configured
// repository; "" for locally built images or when the image cannot be read.
func (e *Engine) repoDigest(ctx context.Context, ref, id string) string {
	info, err := e.ImageInspect(ctx, id)
	if err != nil || len(info.RepoDigests) == 0 {
		return ""
	}
	return pickDigest(ref, info.RepoDigests)
}
