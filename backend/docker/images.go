package docker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/distribution/reference"
	"github.com/docker/docker/api/types/image"
	"github.com/docker/docker/pkg/jsonmessage"
)

// ImageInfo describes a local image.
type ImageInfo struct {
	ID          string   `json:"id"` // "sha256:…"
	RepoTags    []string `json:"repoTags"`
	RepoDigests []string `json:"repoDigests"`
}

// ImageInspect returns the local image ref (a name, name:tag or ID);
// a missing image yields ErrImageNotFound.
func (e *Engine) ImageInspect(ctx context.Context, ref string) (ImageInfo, error) {
	res, err := e.cli.ImageInspect(ctx, ref)
	if err != nil {
		if cerrdefs.IsNotFound(err) {
			return ImageInfo{}, fmt.Errorf("inspect image %s: %w", ref, ErrImageNotFound)
		}
		return ImageInfo{}, fmt.Errorf("inspect image %s: %w", ref, e.wrap(err))
	}
	info := ImageInfo{ID: res.ID, RepoTags: res.RepoTags, RepoDigests: res.RepoDigests}
	if info.RepoTags == nil {
		info.RepoTags = []string{}
	}
	if info.RepoDigests == nil {
		info.RepoDigests = []string{}
	}
	return info, nil
}

// ImageExists reports whether ref is present locally.
func (e *Engine) ImageExists(ctx context.Context, ref string) (bool, error) {
	_, err := e.ImageInspect(ctx, ref)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrImageNotFound):
		return false, nil
	}
	return false, err
}

// Tag gives the image src (name, name:tag or ID) the additional name target.
func (e *Engine) Tag(ctx context.Context, src, target string) error {
	if err := e.cli.ImageTag(ctx, src, target); err != nil {
		if cerrdefs.IsNotFound(err) {
			return fmt.Errorf("tag %s as %s: %w", src, target, ErrImageNotFound)
		}
		return fmt.Errorf("tag %s as %s: %w", src, target, e.wrap(err))
	}
	return nil
}

// Pull fetches ref from its registry and waits for the pull to finish.
// Offline it fails; callers decide whether that matters.
func (e *Engine) Pull(ctx context.Context, ref string) error {
	rc, err := e.cli.ImagePull(ctx, ref, image.PullOptions{})
	if err != nil {
		return fmt.Errorf("pull %s: %w", ref, e.wrap(err))
	}
	defer rc.Close()
	// The engine reports pull failures inside the stream.
	if err := jsonmessage.DisplayJSONMessagesStream(rc, io.Discard, 0, false, nil); err != nil {
		return fmt.Errorf("pull %s: %w", ref, err)
	}
	return nil
}

// RemoveTag removes the name ref (name or name:tag, never an ID). When it is
// the image's last name and no container uses the image, the engine deletes
// the image; when a container still uses it, the engine refuses.
func (e *Engine) RemoveTag(ctx context.Context, ref string) error {
	info, err := e.ImageInspect(ctx, ref)
	if err != nil {
		return fmt.Errorf("remove tag: %w", err)
	}
	if !hasTag(info.RepoTags, ref) {
		return fmt.Errorf("remove tag %s: not a tag of image %s", ref, ShortID(info.ID))
	}
	if _, err := e.cli.ImageRemove(ctx, ref, image.RemoveOptions{}); err != nil {
		return fmt.Errorf("remove tag %s: %w", ref, e.wrap(err))
	}
	return nil
}

// hasTag reports whether ref, normalised as the engine lists tags
// ("shop" → "shop:latest"), is one of tags.
func hasTag(tags []string, ref string) bool {
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return false
	}
	if _, isDigest := named.(reference.Digested); isDigest {
		return false
	}
	want := reference.FamiliarString(reference.TagNameOnly(named))
	return slices.ContainsFunc(tags, func(t string) bool {
		n, err := reference.ParseNormalizedNamed(t)
		return err == nil && reference.FamiliarString(reference.TagNameOnly(n)) == want
	})
}

// pickDigest prefers the digest of ref's repository among digests.
func pickDigest(ref string, digests []string) string {
	if named, err := reference.ParseNormalizedNamed(ref); err == nil {
		repo := reference.FamiliarName(named)
		for _, d := range digests {
			if n, err := reference.ParseNormalizedNamed(d); err == nil && reference.FamiliarName(n) == repo {
				return d
			}
		}
	}
	return digests[0]
}
