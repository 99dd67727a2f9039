package upgrade

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"rewind/backend/archive"
	"rewind/backend/compose"
	"rewind/backend/coverage"
	"rewind/backend/deployment"
	"rewind/backend/diskspace"
	"rewind/backend/docker"
	"rewind/backend/progress"
)

// Preflight is what was checked before an upgrade, before anything changed.
type Preflight struct {
	From     string       `json:"from"`
	To       string       `json:"to"`
	Compose  string       `json:"compose"` // the Compose CLI found, e.g. "docker-compose 1.29.2"
	Images   []ImageCheck `json:"images"`
	RawBytes int64        `json:"rawBytes"` // what the pre-upgrade backup will read
	// BackupBytes is the estimated archive size; FreeBytes what the storage
	// directory has free.
	BackupBytes int64 `json:"backupBytes"`
	FreeBytes   int64 `json:"freeBytes"`
	// Problems are the reasons the upgrade cannot start (empty: it can).
	Problems []string `json:"problems"`
	Warnings []string `json:"warnings"`
}

// ImageCheck is one image the target version needs.
type ImageCheck struct {
	Service string `json:"service"`
	Image   string `json:"image"`
	ImageID string `json:"imageId"`
	Present bool   `json:"present"` // present locally before the check
	Pulled  bool   `json:"pulled"`
	Error   string `json:"error,omitempty"`
}

// PreflightError lists why an upgrade was refused. Nothing was changed.
type PreflightError struct{ Problems []string }

func (e *PreflightError) Error() string {
	return "upgrade refused, nothing was changed: " + strings.Join(e.Problems, "; ")
}

// Unwrap makes errors.Is(err, ErrPreflight) true.
func (e *PreflightError) Unwrap() error { return ErrPreflight }

// Check runs the preflight without pulling: it reports what an upgrade to
// `to` would need, for a preview.
func (u *Upgrader) Check(ctx context.Context, dep deployment.Deployment, to string) (Preflight, error) {
	pf, eng, _, err := u.preflight(ctx, dep, to, false, progress.Nop)
	if eng != nil {
		eng.Close()
	}
	return pf, err
}

// preflight checks, changing nothing but pulling missing images when pull is
// set: the Compose CLI works, Docker answers, every image the compose file
// names for `to` is present or pullable, every name in the tree can be
// backed up and restored, and there is room for the backup and for the
// rollback's staging. On success the engine and CLI are returned.
func (u *Upgrader) preflight(ctx context.Context, dep deployment.Deployment, to string, pull bool, report progress.Report) (Preflight, Engine, Compose, error) {
	report.Phase(progress.Preparing, "checking the upgrade")
	pf := Preflight{From: dep.Version(), To: to, Images: []ImageCheck{}, Problems: []string{}, Warnings: []string{}}
	if strings.TrimSpace(to) == "" {
		return pf, nil, nil, ErrNoVersion
	}
	if strings.ContainsAny(to, "\n\r\x00") {
		return pf, nil, nil, fmt.Errorf("invalid version %q: it must be one line", to)
	}
	if err := archive.CheckVersion(to); err != nil {
		return pf, nil, nil, fmt.Errorf("%w: the target %w", deployment.ErrInvalidSetting, err)
	}
	if err := dep.CheckEnvVersion(); err != nil {
		return pf, nil, nil, err
	}
	if to == pf.From {
		return pf, nil, nil, fmt.Errorf("%w: %s=%s in %s", ErrSameVersion, dep.VersionKey, to, filepath.Join(dep.Path, ".env"))
	}
	cmp, err := u.Compose(ctx)
	if err != nil {
		pf.Problems = append(pf.Problems, err.Error())
	} else if r, ok := cmp.(*compose.Runner); ok {
		pf.Compose = strings.TrimSpace(strings.Join(append([]string{filepath.Base(r.Path)}, r.Prefix...), " ") + " " + r.Version)
	}
	u.checkSpace(ctx, dep, &pf)
	// What the pre-upgrade backup leaves out, a rollback cannot put back.
	for _, w := range coverage.Of(ctx, dep).Warnings() {
		pf.Warnings = append(pf.Warnings, "a rollback cannot put this back: "+w)
	}
	eng, err := u.engine(ctx)
	if err != nil {
		pf.Problems = append(pf.Problems, err.Error())
		return pf, nil, nil, refused(ctx, pf)
	}
	u.checkImages(ctx, eng, dep, pull, &pf, report)
	if len(pf.Problems) > 0 || ctx.Err() != nil {
		eng.Close()
		return pf, nil, nil, refused(ctx, pf)
	}
	return pf, eng, cmp, nil
}

// refused is the preflight's refusal, or the cancellation when the admin
// cancelled it: a check cut short is no problem of the deployment's.
func refused(ctx context.Context, pf Preflight) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return &PreflightError{Problems: pf.Problems}
}

// targetEnv is what the upgrade's "compose up" is given on top of the
// shell's environment and .env: the version key set to version. .env is
// read first, since the upgrade rewrites it.
func targetEnv(dep deployment.Deployment, version string) (map[string]string, error) {
	if _, err := compose.ReadEnv(filepath.Join(dep.Path, ".env")); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return map[string]string{dep.VersionKey: version}, nil
}

func (u *Upgrader) checkImages(ctx context.Context, eng Engine, dep deployment.Deployment, pull bool, pf *Preflight, report progress.Report) {
	env, err := targetEnv(dep, pf.To)
	if err != nil {
		pf.Problems = append(pf.Problems, "read .env: "+err.Error())
		return
	}
	svcs, err := compose.Services(dep.Path, env)
	if err != nil {
		pf.Problems = append(pf.Problems, err.Error())
		return
	}
	if cur, err := compose.Services(dep.Path, nil); err == nil && sameImages(cur, svcs) {
		pf.Warnings = append(pf.Warnings, fmt.Sprintf("no image in the compose file refers to ${%s}: the upgrade changes only .env", dep.VersionKey))
	}
	for _, s := range svcs {
		if s.Image == "" {
			pf.Warnings = append(pf.Warnings, "service "+s.Name+" has no image (build only): it is not checked")
			continue
		}
		c := ImageCheck{Service: s.Name, Image: s.Image}
		info, err := eng.ImageInspect(ctx, s.Image)
		switch {
		case err == nil:
			c.Present, c.ImageID = true, info.ID
		case !errors.Is(err, docker.ErrImageNotFound):
			c.Error = err.Error()
			pf.Problems = append(pf.Problems, fmt.Sprintf("image %s of service %s: %v", s.Image, s.Name, err))
		case !pull:
			c.Error = "not present locally (it will be pulled)"
		default:
			report.Phase(progress.Pulling, "pulling "+s.Image)
			if perr := eng.Pull(ctx, s.Image); perr != nil {
				c.Error = perr.Error()
				pf.Problems = append(pf.Problems, fmt.Sprintf("image %s of service %s (version %s) is not present locally and cannot be pulled: %v",
					s.Image, s.Name, pf.To, perr))
			} else if info, err := eng.ImageInspect(ctx, s.Image); err == nil {
				c.Pulled, c.ImageID = true, info.ID
			}
		}
		pf.Images = append(pf.Images, c)
	}
}

func sameImages(a, b []compose.Service) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Image != b[i].Image {
			return false
		}
	}
	return true
}

// checkSpace scans the tree the pre-upgrade backup will archive. Every name
// must be one that backup can store and a rollback restore (staging in the
// deployment's .rewind directory) can create: the backup runs while the services are
// stopped, so a name it would refuse must stop the upgrade here, before
// anything stops. Then it wants room for the backup in the storage directory
// and, beside the deployment, for the rollback's staging copy (a full
// restore stages everything before swapping), with the reserve left free.
func (u *Upgrader) checkSpace(ctx context.Context, dep deployment.Deployment, pf *Preflight) {
	excludes, err := dep.ExcludePatterns()
	if err == nil {
		err = dep.CheckRestoreLocations() // what a rollback's restore needs
	}
	if err != nil {
		pf.Problems = append(pf.Problems, err.Error())
		return
	}
	plan, err := archive.Scan(ctx, dep.Path, excludes)
	if err != nil {
		pf.Problems = append(pf.Problems, fmt.Sprintf("scan %s: %v", dep.Path, err))
		return
	}
	if err := archive.CheckNames(plan.Entries, filepath.Join(dep.Path, archive.MetaDir)); err != nil {
		pf.Problems = append(pf.Problems, "the pre-upgrade backup could not store a name: "+err.Error())
	}
	raw := plan.Totals.Bytes - plan.HoleBytes() // holes take no room, archived or staged
	pf.RawBytes = raw
	pf.BackupBytes = u.Backups.Estimate(ctx, dep, raw)
	storage := dep.StorageDir
	free, size, err := diskspace.Free(storage)
	if err != nil {
		pf.Problems = append(pf.Problems, err.Error())
		return
	}
	pf.FreeBytes = int64(free)
	stage := uint64(raw) + uint64(raw)/10
	need := uint64(pf.BackupBytes) + diskspace.Reserve(size)
	if sameDevice(storage, dep.Path) {
		need += stage
	} else if dfree, dsize, err := diskspace.Free(dep.Path); err == nil && dfree < stage+diskspace.Reserve(dsize) {
		pf.Problems = append(pf.Problems, fmt.Sprintf("not enough free space in %s to stage a rollback: it needs about %s, %s is free",
			dep.Path, diskspace.Human(int64(stage+diskspace.Reserve(dsize))), diskspace.Human(int64(dfree))))
	}
	if free < need {
		pf.Problems = append(pf.Problems, fmt.Sprintf("%v in %s: the pre-upgrade backup (about %s) and a rollback need about %s, %s is free",
			diskspace.ErrNoSpace, storage, diskspace.Human(pf.BackupBytes), diskspace.Human(int64(need)), diskspace.Human(int64(free))))
	}
}

func sameDevice(a, b string) bool {
	var sa, sb unix.Stat_t
	if unix.Stat(a, &sa) != nil || unix.Stat(b, &sb) != nil {
		return false
	}
	return sa.Dev == sb.Dev
}
