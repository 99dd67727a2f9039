package restore

import (
	"os"
	"path"
	"slices"
	"strings"

	"golang.org/x/sys/unix"

	"rewind/backend/archive"
)

// scope decides which paths of the deployment a restore puts back.
type scope struct {
	mode  Mode
	data  []string // the deployment's data paths
	keep  []string // never touched: excludes, storage and state directories inside the deployment
	paths []string // the archive's included paths ("." = everything)
	// sources are files outside the scope extracted only as the content of
	// hard links inside it (see separate).
	sources map[string]bool
}

func under(p string, roots []string) bool {
	for _, r := range roots {
		if r == "." || p == r || strings.HasPrefix(p, r+"/") {
			return true
		}
	}
	return false
}

// above reports whether p is a strict ancestor of one of roots.
func above(p string, roots []string) bool {
	for _, r := range roots {
		if r != "." && strings.HasPrefix(r, p+"/") {
			return true
		}
	}
	return false
}

// in reports whether p is restored by this scope.
func (s scope) in(p string) bool {
	if p == archive.MetaDir || strings.HasPrefix(p, archive.MetaDir+"/") || under(p, s.keep) {
		return false
	}
	if !under(p, s.paths) {
		return false
	}
	switch s.mode {
	case App:
		return !under(p, s.data)
	case Data:
		return under(p, s.data)
	}
	return true
}

// roots are the top-most paths wholly inside the scope, for modes that do
// not start at the deployment root.
func (s scope) roots() []string {
	var r []string
	if s.mode == Data {
		for _, d := range s.data {
			if under(d, s.paths) || above(d, s.paths) {
				r = append(r, d)
			}
		}
		return r
	}
	if slices.Contains(s.paths, ".") {
		return []string{"."}
	}
	return s.paths
}

// outside are the paths wholly outside the scope that may lie inside
// restored directories and must be carried over from the live tree.
func (s scope) outside() []string {
	out := append([]string{}, s.keep...)
	if s.mode == App {
		out = append(out, s.data...)
	}
	return out
}

// extract reports whether an archive entry is extracted: in scope, or a
// directory above the scope's roots (so the staged tree has its metadata).
func (s scope) extract(p string) bool {
	return s.in(p) || above(p, s.roots()) || s.sources[p]
}

// target reports whether a top-level name is swapped.
func (s scope) target(name string) bool {
	if name == archive.MetaDir {
		return false
	}
	return s.in(name) || above(name, s.roots())
}

// targets lists the top-level names to swap: from the archive's entries and
// the live directory.
func (s scope) targets(root string, entries []archive.Entry) ([]string, error) {
	set := map[string]bool{}
	for _, e := range entries {
		top, _, _ := strings.Cut(e.Path, "/")
		if s.target(top) {
			set[top] = true
		}
	}
	live, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	for _, d := range live {
		if s.target(d.Name()) {
			set[d.Name()] = true
		}
	}
	out := make([]string, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	slices.Sort(out)
	return out, nil
}

// carries lists the live paths under the targets that are outside the
// scope: they are moved into the staged tree before the swap so that the
// restore leaves them exactly as they are. The live tree is read through
// root, never through a link: an out-of-scope entry that is a link is
// carried as the link itself, and a kept path that lies behind a link (a
// directory above it replaced by one) is a *LinkError, because moving it
// by name would move whatever the link points to.
func (s scope) carries(root *tree, targets []string) ([]string, error) {
	var out []string
	keptBelow := func(p string) error {
		for _, r := range s.outside() {
			if !strings.HasPrefix(r, p+"/") || s.nestedKeep(r) {
				continue
			}
			live, err := root.present(r, r)
			if err != nil {
				return err
			}
			if live {
				out = append(out, r)
			}
		}
		return nil
	}
	var walk func(dir string) error
	walk = func(dir string) error {
		ents, err := root.readDir(dir)
		if err != nil {
			return err
		}
		for _, e := range ents {
			p := path.Join(dir, e.Name())
			switch {
			case s.in(p):
				if err := keptBelow(p); err != nil {
					return err
				}
			case above(p, s.roots()) && e.IsDir():
				if err := walk(p); err != nil {
					return err
				}
			default:
				out = append(out, p)
			}
		}
		return nil
	}
	for _, t := range targets {
		st, err := root.lstat(t)
		if err != nil {
			continue // not live: nothing to carry
		}
		if s.in(t) {
			err = keptBelow(t)
		} else if st.Mode&unix.S_IFMT == unix.S_IFDIR {
			err = walk(t)
		}
		if err != nil {
			return nil, err
		}
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// nestedKeep reports whether r lies below another path that is kept:
// that one is carried whole (a link as the link), r with it.
func (s scope) nestedKeep(r string) bool {
	for _, o := range s.outside() {
		if o != r && strings.HasPrefix(r, o+"/") {
			return true
		}
	}
	return false
}
