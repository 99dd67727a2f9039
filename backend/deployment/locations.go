package deployment

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"rewind/backend/archive"
	"rewind/backend/realpath"
)

// ErrLocation: the storage or state directory lies where Rewind cannot keep
// its own files apart from the deployment's: it is the project directory or
// contains it (backups cannot leave it out), or the state directory lies
// below an entry a restore replaces.
var ErrLocation = errors.New("storage or state directory misplaced")

// ExcludePatterns returns the deployment's exclude patterns plus the storage and
// state directories when they lie inside the deployment. Locations are
// compared resolved, so a project or storage directory named through a
// symlink is still recognised. A storage or state directory that is the
// project directory or one of its ancestors cannot be excluded: that is an
// ErrLocation, and nothing may be archived or restored until it is moved.
func (d Deployment) ExcludePatterns() ([]string, error) {
	out := append([]string{}, d.Excludes...)
	rels, err := innerLocations(d, d.StateDir)
	if err != nil {
		return nil, err
	}
	return append(out, rels...), nil
}

// KeptPaths are the live paths a restore leaves alone: every path of the
// live tree an exclude pattern matches, and the storage and state
// directories inside the deployment. Literal excludes are kept whether or
// not they exist; patterns are expanded against the live tree, which is
// walked without following symlinks.
//
// A state directory below a top-level entry of the project is refused: a
// restore that replaces that entry moves what it keeps into the new tree,
// and the catalog cannot be moved while it is open.
func (d Deployment) KeptPaths() ([]string, error) {
	out, err := restoreLocations(d, d.StateDir)
	if err != nil {
		return nil, err
	}
	var globs []string
	for _, e := range d.Excludes {
		if archive.IsPattern(e) {
			globs = append(globs, e)
		} else {
			out = append(out, e)
		}
	}
	if len(globs) == 0 {
		return out, nil
	}
	matched, err := archive.MatchTree(d.Path, globs)
	if err != nil {
		return nil, err
	}
	return append(out, matched...), nil
}

// CheckRestoreLocations returns the ErrLocation KeptPaths would, without
// expanding the exclude patterns against the live tree.
func (d Deployment) CheckRestoreLocations() error {
	_, err := restoreLocations(d, d.StateDir)
	return err
}

// restoreLocations are the inner locations a restore keeps, refusing a state
// directory below a top-level entry of the project.
func restoreLocations(d Deployment, stateDir string) ([]string, error) {
	out, err := innerLocations(d, stateDir)
	if err != nil {
		return nil, err
	}
	if stateDir != "" {
		root, _ := realpath.Resolve(d.Path)
		if rel, _ := relativeTo(root, "", stateDir); strings.Contains(rel, "/") {
			top, _, _ := strings.Cut(rel, "/")
			return nil, fmt.Errorf("%w: the state directory %s lies inside %s of the project; a restore replacing %s "+
				"would have to move the open catalog; use a state directory outside the project (or at its top level)",
				ErrLocation, stateDir, top, top)
		}
	}
	return out, nil
}

// innerLocations are the storage and state directories that lie inside the
// deployment, as slash paths relative to it.
func innerLocations(d Deployment, stateDir string) ([]string, error) {
	root, err := realpath.Resolve(d.Path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, loc := range []struct{ what, dir string }{{"storage directory", d.StorageDir}, {"state directory", stateDir}} {
		if loc.dir == "" {
			continue
		}
		rel, err := relativeTo(root, loc.what, loc.dir)
		if err != nil {
			return nil, err
		}
		if rel != "" {
			out = append(out, rel)
		}
	}
	return out, nil
}

// relativeTo returns dir relative to the resolved root when it lies strictly
// inside it, "" when it lies outside, and an ErrLocation when dir is root or
// an ancestor of it.
func relativeTo(root, what, dir string) (string, error) {
	real, err := realpath.Resolve(dir)
	if err != nil {
		return "", fmt.Errorf("resolve %s %s: %w", what, dir, err)
	}
	if up, err := filepath.Rel(real, root); err == nil && filepath.IsLocal(up) { // "." too
		return "", fmt.Errorf("%w: the %s %s is the project directory or contains it (each backup would hold "+
			"the earlier ones, and a full restore would swap them out); use a directory outside the project, or below it",
			ErrLocation, what, dir)
	}
	rel, err := filepath.Rel(root, real)
	if err != nil || !filepath.IsLocal(rel) {
		return "", nil
	}
	return filepath.ToSlash(rel), nil
}

// checkLocations refuses storage and state directories the deployment
// cannot exclude.
func checkLocations(path, storage, stateDir string) error {
	_, err := innerLocations(Deployment{Path: path, StorageDir: storage}, stateDir)
	return err
}
