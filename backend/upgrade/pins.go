package upgrade

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"rewind/backend/compose"
	"rewind/backend/deployment"
	"rewind/backend/docker"
	"rewind/backend/store"
)

// pinRepo is the repository prefix of every pin tag.
const pinRepo = "rewind-pin/"

// PinRef is the tag that pins service's image for an upgrade, e.g.
// "rewind-pin/shop-web:upgrade-7": valid reference syntax whatever the
// project and service are called.
func PinRef(project, service string, upgradeID int64) string {
	return pinRepo + docker.RefComponent(project+"-"+service) + ":upgrade-" + strconv.FormatInt(upgradeID, 10)
}

// planPins picks, per service, the image to keep for a rollback: what its
// container runs (a running one first), else the image the compose file
// names for the current version when it is present locally.
func planPins(ctx context.Context, eng Engine, snap docker.Snapshot, services []compose.Service, project string, upgradeID int64) []Pin {
	var pins []Pin
	seen := map[string]bool{}
	add := func(c docker.ContainerState) {
		if c.OneOff || c.Service == "" || seen[c.Service] || c.ImageID == "" {
			return
		}
		seen[c.Service] = true
		pins = append(pins, Pin{Service: c.Service, Image: c.Image, ImageID: c.ImageID, RepoDigest: c.RepoDigest,
			Ref: PinRef(project, c.Service, upgradeID)})
	}
	for _, c := range snap.Containers {
		if c.WasRunning {
			add(c)
		}
	}
	for _, c := range snap.Containers {
		add(c)
	}
	for _, s := range services {
		if seen[s.Name] || s.Image == "" {
			continue
		}
		info, err := eng.ImageInspect(ctx, s.Image)
		if err != nil {
			continue
		}
		seen[s.Name] = true
		pins = append(pins, Pin{Service: s.Name, Image: s.Image, ImageID: info.ID,
			Ref: PinRef(project, s.Name, upgradeID)})
	}
	return nonNil(pins)
}

// pin tags every pinned image and creates its holder container.
func pin(ctx context.Context, eng Engine, project string, upgradeID int64, pins []Pin) error {
	for _, p := range pins {
		if err := eng.Tag(ctx, p.ImageID, p.Ref); err != nil {
			return fmt.Errorf("pin the image of service %s: %w", p.Service, err)
		}
		if err := eng.Hold(ctx, docker.Hold{Project: project, Service: p.Service, UpgradeID: upgradeID, Ref: p.Ref}); err != nil {
			return fmt.Errorf("pin the image of service %s: %w", p.Service, err)
		}
	}
	return nil
}

// ensureImages makes every pinned image available under its old reference
// again: kept as it is when the reference still names the same image, else
// re-tagged from the pin (or the image ID), else pulled by digest. It
// returns one line per repair.
func ensureImages(ctx context.Context, eng Engine, pins []Pin) ([]string, error) {
	var done []string
	var errs []error
	for _, p := range pins {
		if p.Image == "" || strings.HasPrefix(p.Image, "sha256:") {
			if _, err := eng.ImageInspect(ctx, p.ImageID); err != nil {
				errs = append(errs, fmt.Errorf("the old image %s of service %s is gone: %w", docker.ShortID(p.ImageID), p.Service, err))
			}
			continue
		}
		info, err := eng.ImageInspect(ctx, p.Image)
		if err == nil && info.ID == p.ImageID {
			continue
		}
		what := "was missing"
		if err == nil {
			what = "had been moved to image " + docker.ShortID(info.ID)
		} else if !errors.Is(err, docker.ErrImageNotFound) {
			errs = append(errs, err)
			continue
		}
		line, rerr := retag(ctx, eng, p)
		if rerr != nil {
			errs = append(errs, fmt.Errorf("the old image %s of service %s %s and cannot be brought back: %w", p.Image, p.Service, what, rerr))
			continue
		}
		done = append(done, fmt.Sprintf("%s (service %s) %s: %s", p.Image, p.Service, what, line))
	}
	return done, errors.Join(errs...)
}

func retag(ctx context.Context, eng Engine, p Pin) (string, error) {
	var errs []error
	for _, src := range []string{p.Ref, p.ImageID} {
		if src == "" {
			continue
		}
		if info, err := eng.ImageInspect(ctx, src); err != nil || info.ID != p.ImageID {
			continue
		}
		if err := eng.Tag(ctx, src, p.Image); err != nil {
			errs = append(errs, err)
			continue
		}
		return "re-tagged from " + src, nil
	}
	if p.RepoDigest != "" {
		err := eng.Pull(ctx, p.RepoDigest)
		if err == nil {
			err = eng.Tag(ctx, p.RepoDigest, p.Image)
		}
		if err == nil {
			return "pulled " + p.RepoDigest, nil
		}
		errs = append(errs, err)
	}
	if len(errs) == 0 {
		errs = append(errs, fmt.Errorf("neither the pin %s nor image %s exists", p.Ref, docker.ShortID(p.ImageID)))
	}
	return "", errors.Join(errs...)
}

// ensureComposeImages pulls the images the (restored) compose file names
// that are not present, so that `compose up` does not fail on them.
func ensureComposeImages(ctx context.Context, eng Engine, dir string, env map[string]string) error {
	svcs, err := compose.Services(dir, env)
	if err != nil {
		return err
	}
	var errs []error
	for _, s := range svcs {
		if s.Image == "" {
			continue
		}
		if _, err := eng.ImageInspect(ctx, s.Image); errors.Is(err, docker.ErrImageNotFound) {
			if perr := eng.Pull(ctx, s.Image); perr != nil {
				errs = append(errs, fmt.Errorf("image %s of service %s is missing: %w", s.Image, s.Name, perr))
			}
		}
	}
	return errors.Join(errs...)
}

// releasePins removes the pins (holder containers and tags) of the
// deployment's upgrades that no longer need them: every upgrade except the
// KeepPins newest that can still be rolled back, and the one running now.
func (u *Upgrader) releasePins(ctx context.Context, eng Engine, dep deployment.Deployment, running int64) []string {
	ups, err := u.Store.ListUpgrades(ctx, dep.ID)
	if err != nil {
		return []string{"could not release old image pins: " + err.Error()}
	}
	keep := map[int64]bool{running: true}
	n := 0
	for _, up := range ups {
		if n < u.KeepPins && rollbackable(up) {
			keep[up.ID] = true
			n++
		}
	}
	holds, err := eng.Holds(ctx, dep.ComposeProject)
	if err != nil {
		return []string{"could not release old image pins: " + err.Error()}
	}
	var warns []string
	for _, h := range holds {
		if keep[h.UpgradeID] {
			continue
		}
		if err := eng.Release(ctx, h); err != nil {
			warns = append(warns, "could not release an old image pin: "+err.Error())
			continue
		}
		if h.Ref != "" && strings.HasPrefix(h.Ref, pinRepo) {
			if err := eng.RemoveTag(ctx, h.Ref); err != nil && !errors.Is(err, docker.ErrImageNotFound) {
				warns = append(warns, "could not remove the old pin tag "+h.Ref+": "+err.Error())
			}
		}
	}
	return warns
}

// unpin removes the pins of one upgrade (holders first, then the tags).
func unpin(ctx context.Context, eng Engine, project string, upgradeID int64, pins []Pin) []string {
	var warns []string
	for _, p := range pins {
		if err := eng.Release(ctx, docker.Hold{Project: project, Service: p.Service, UpgradeID: upgradeID, Ref: p.Ref}); err != nil {
			warns = append(warns, "could not release an image pin: "+err.Error())
			continue
		}
		if err := eng.RemoveTag(ctx, p.Ref); err != nil && !errors.Is(err, docker.ErrImageNotFound) {
			warns = append(warns, "could not remove the pin tag "+p.Ref+": "+err.Error())
		}
	}
	return warns
}

// rollbackable reports whether an upgrade could still be rolled back.
func rollbackable(up store.Upgrade) bool {
	switch up.Status {
	case store.UpgradeSucceeded, store.UpgradeRollbackFailed, store.UpgradeRunning:
		return true
	case store.UpgradeFailed: // after a change, not rolled back (--no-rollback)
		return up.BackupID != 0 && up.RollbackHealthy == nil && len(up.ImagesAfter) > 0
	}
	return false
}
