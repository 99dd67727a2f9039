// Package coverage says where a deployment's services keep state and
// whether Rewind's backups capture it. It reads the resolved Compose model
// and captures nothing itself: today a backup archives the project
// directory (less its excludes) and nothing else, and coverage says so,
// mount by mount, so that state outside it is never silently left out.
package coverage

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"rewind/backend/archive"
	"rewind/backend/compose"
	"rewind/backend/deployment"
	"rewind/backend/realpath"
)

// Kind is what a mount is, as far as backups are concerned.
type Kind string

const (
	// Tree: a bind mount inside the project directory.
	Tree Kind = "tree"
	// Outside: a bind mount outside the project directory.
	Outside Kind = "outside"
	// Volume: a named volume.
	Volume Kind = "volume"
	// Anonymous: a volume without a name.
	Anonymous Kind = "anonymous"
	// Plumbing: host plumbing (the Docker socket, the clock, /dev, /proc,
	// /sys) or a read-only single file: not state.
	Plumbing Kind = "plumbing"
	// Tmpfs: memory, gone when the container stops: not state.
	Tmpfs Kind = "tmpfs"
)

// Reasons, in words.
const (
	reasonTree      = "in the project directory, which backups archive"
	reasonExcluded  = "excluded: in the project directory, but the deployment's excludes leave it out"
	reasonOutside   = "a path outside the project directory is not captured yet"
	reasonVolume    = "named volumes are not captured yet: the backups hold only the project directory"
	reasonAnonymous = "an anonymous volume is never captured: give it a name"
	reasonPlumbing  = "host plumbing, not state"
	reasonConfig    = "a read-only file, not state"
	reasonTmpfs     = "memory only, not state"
)

// Location is one place a service keeps (or reads) files.
type Location struct {
	Service string `json:"service"`
	Kind    Kind   `json:"kind"`
	// Source is the host path of a bind mount or the full name of a named
	// volume as the engine knows it; "" for an anonymous volume or a tmpfs.
	Source   string `json:"source"`
	Target   string `json:"target"` // the path in the container
	ReadOnly bool   `json:"readOnly"`
	// External: a named volume declared external: true (Compose does not
	// create it).
	External bool `json:"external,omitempty"`
	// State: the location holds state (not plumbing, not memory).
	State    bool   `json:"state"`
	Captured bool   `json:"captured"`
	Reason   string `json:"reason"` // why it is or is not captured, in words
}

// Coverage is every location of a deployment's active services.
type Coverage struct {
	Locations []Location `json:"locations"`
	// Problem is why the project could not be read ("" when it was); the
	// locations are then empty.
	Problem string `json:"problem,omitempty"`
}

// Unknown is the coverage of a deployment whose project could not be read.
func Unknown(err error) Coverage {
	return Coverage{Locations: []Location{}, Problem: err.Error()}
}

// Warnings returns one line per location that holds state and is not
// captured, and the problem, if the project could not be read.
func (c Coverage) Warnings() []string {
	var out []string
	if c.Problem != "" {
		out = append(out, "what the backups capture is unknown: "+c.Problem)
	}
	for _, l := range c.Locations {
		if l.State && !l.Captured {
			out = append(out, fmt.Sprintf("%s: %s is not in the backups: %s", l.Service, l.Describe(), l.Reason))
		}
	}
	return out
}

// Describe names the location: its kind and source → target.
func (l Location) Describe() string {
	src := l.Source
	switch {
	case l.Kind == Anonymous:
		src = "anonymous volume"
	case l.Kind == Tmpfs:
		src = "tmpfs"
	case l.Kind == Volume && l.External:
		src = "volume " + src + " (external)"
	case l.Kind == Volume:
		src = "volume " + src
	}
	return src + " → " + l.Target
}

// Of loads the deployment's Compose project as Compose resolves it and
// returns its coverage. A project that cannot be read gives an Unknown
// coverage that says why: what is captured is never reported as nothing.
func Of(ctx context.Context, dep deployment.Deployment) Coverage {
	p, err := compose.Load(ctx, dep.Path, nil)
	if err != nil {
		return Unknown(err)
	}
	return OfProject(p, dep)
}

// OfProject returns the coverage of the loaded project p of dep.
func OfProject(p *compose.Project, dep deployment.Deployment) Coverage {
	excludes, err := dep.ExcludePatterns()
	if err != nil {
		excludes = dep.Excludes
	}
	root, err := realpath.Resolve(dep.Path)
	if err != nil {
		root = filepath.Clean(dep.Path)
	}
	c := Coverage{Locations: []Location{}}
	for _, s := range p.Services {
		for _, m := range s.Mounts {
			l := Location{Service: s.Name, Source: m.Source, Target: m.Target, ReadOnly: m.ReadOnly}
			classify(&l, m, p, root, excludes)
			c.Locations = append(c.Locations, l)
		}
	}
	return c
}

func classify(l *Location, m compose.Mount, p *compose.Project, root string, excludes []string) {
	switch m.Type {
	case "tmpfs":
		l.Kind, l.Source, l.Reason = Tmpfs, "", reasonTmpfs
	case "volume":
		if m.Source == "" {
			l.Kind, l.State, l.Reason = Anonymous, true, reasonAnonymous
			return
		}
		l.Kind, l.State, l.Reason = Volume, true, reasonVolume
		l.Source = p.Name + "_" + m.Source
		if v, ok := p.Model.Volumes[m.Source]; ok {
			if v.Name != "" {
				l.Source = v.Name
			}
			l.External = bool(v.External)
		}
	case "bind":
		bind(l, m, root, excludes)
	default: // npipe, cluster, image: nothing a backup of this host holds
		l.Kind, l.Reason = Plumbing, reasonPlumbing
	}
}

// plumbing are host paths a container uses and nobody backs up.
var plumbing = []string{"/var/run/docker.sock", "/run/docker.sock", "/etc/localtime", "/etc/timezone", "/dev", "/proc", "/sys"}

func bind(l *Location, m compose.Mount, root string, excludes []string) {
	src := filepath.Clean(m.Source)
	for _, p := range plumbing {
		if src == p || strings.HasPrefix(src, p+"/") {
			l.Kind, l.Reason = Plumbing, reasonPlumbing
			return
		}
	}
	real, err := realpath.Resolve(src)
	if err != nil {
		real = src
	}
	if rel, err := filepath.Rel(root, real); err == nil && (rel == "." || filepath.IsLocal(rel)) {
		l.Kind, l.State = Tree, true
		if excluded(filepath.ToSlash(rel), excludes) {
			l.Reason = reasonExcluded
			return
		}
		l.Captured, l.Reason = true, reasonTree
		return
	}
	if st, err := os.Stat(real); err == nil && st.Mode().IsRegular() && m.ReadOnly {
		l.Kind, l.Reason = Plumbing, reasonConfig
		return
	}
	l.Kind, l.State, l.Reason = Outside, true, reasonOutside
}

// excluded reports whether an exclude pattern leaves out rel (a slash path
// relative to the project) or one of its ancestors, as backups match them.
func excluded(rel string, excludes []string) bool {
	clean := make([]string, len(excludes))
	for i, e := range excludes {
		clean[i] = path.Clean(strings.TrimSuffix(e, "/"))
	}
	return rel != "." && archive.Excluded(clean, rel)
}
