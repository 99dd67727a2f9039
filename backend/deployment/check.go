package deployment

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"rewind/backend/archive"
	"rewind/backend/realpath"
)

// dataLink describes a data path reached through a symlink: archives hold
// the link, never what it points to, so a data restore would change nothing.
func dataLink(root, rel string) (string, error) {
	root, err := realpath.Resolve(root)
	if err != nil {
		return "", err
	}
	full := filepath.Join(root, filepath.FromSlash(rel))
	real, err := realpath.Resolve(full)
	if err != nil || real == full {
		return "", err
	}
	if in, err := filepath.Rel(root, real); err == nil && filepath.IsLocal(in) {
		return fmt.Sprintf("data path %q is a symlink to %s inside the project: backups hold the link, "+
			"and a data restore would put back only the link; name %q as the data path instead", rel, real, filepath.ToSlash(in)), nil
	}
	return fmt.Sprintf("data path %q is a symlink to %s, outside the project: backups hold only the link, "+
		"not the data, and a data restore would change nothing; make the directory it points to part of the project", rel, real), nil
}

// checkDataPaths refuses data paths reached through a symlink.
func checkDataPaths(root string, data []string) error {
	for _, p := range data {
		msg, err := dataLink(root, p)
		if err != nil {
			return fmt.Errorf("check data path %q: %w", p, err)
		}
		if msg != "" {
			return fmt.Errorf("%w: %s", ErrInvalidSetting, msg)
		}
	}
	return nil
}

// LinkWarnings says, for every data path reached through a symlink, that a
// backup does not hold its data. A backup reports them every time.
func (d Deployment) LinkWarnings() []string {
	out := []string{}
	for _, p := range d.DataPaths {
		if msg, err := dataLink(d.Path, p); err != nil {
			out = append(out, fmt.Sprintf("cannot check data path %q: %v", p, err))
		} else if msg != "" {
			out = append(out, msg)
		}
	}
	return out
}

// Warnings are what `init` tells the admin about settings that are accepted
// but probably wrong: data paths that do not exist or are links, excludes
// that match nothing. (Mount points: restore.MountsRefused.)
func (d Deployment) Warnings() []string {
	out := d.LinkWarnings()
	for _, p := range d.DataPaths {
		if _, err := os.Lstat(filepath.Join(d.Path, filepath.FromSlash(p))); errors.Is(err, fs.ErrNotExist) {
			out = append(out, fmt.Sprintf("data path %q does not exist in %s: backups hold no data for it, "+
				"and a data restore would restore nothing", p, d.Path))
		}
	}
	for _, e := range d.Excludes {
		if matchesNothing(d.Path, e) {
			hint := ""
			if archive.IsPattern(e) && !strings.HasPrefix(e, "**/") {
				hint = fmt.Sprintf(" (patterns are relative to the project directory; **/%s matches at any depth)", e)
			}
			out = append(out, fmt.Sprintf("exclude %q matches nothing in %s%s", e, d.Path, hint))
		}
	}
	return out
}

func matchesNothing(root, exclude string) bool {
	if !archive.IsPattern(exclude) {
		_, err := os.Lstat(filepath.Join(root, filepath.FromSlash(exclude)))
		return errors.Is(err, fs.ErrNotExist)
	}
	m, err := archive.MatchTree(root, []string{exclude})
	return err == nil && len(m) == 0
}
