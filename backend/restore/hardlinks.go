package restore

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"

	"rewind/backend/archive"
)

// separate finds the hard links the scope restores while their other name,
// the archived file they link to, lies outside it (a data file linked to an
// application file, say). The archive holds such a link as a reference to
// that file, so the restore extracts the file as well, to give the link its
// content, and drops it again before the swap (dropSources): the link comes
// back as a file of its own and the name outside the scope is not touched.
func separate(sc *scope, entries []archive.Entry, p *Plan) {
	size := map[string]int64{}
	for _, e := range entries {
		if e.Type == archive.TypeFile {
			size[e.Path] = e.Size
		}
	}
	for _, e := range entries {
		if e.Type != archive.TypeHardlink || !sc.in(e.Path) || sc.in(e.Link) {
			continue
		}
		p.Separated = append(p.Separated, HardLink{Path: e.Path, Link: e.Link})
		if sc.sources == nil {
			sc.sources = map[string]bool{}
		}
		if !sc.sources[e.Link] {
			sc.sources[e.Link] = true
			p.NeedBytes += size[e.Link]
		}
	}
}

// dropSources removes from the staged tree the files extracted only as the
// content of separated links, and the directories made only for them.
func dropSources(stage string, sc scope) error {
	if len(sc.sources) == 0 {
		return nil
	}
	root, err := os.OpenRoot(stage)
	if err != nil {
		return err
	}
	defer root.Close()
	dirs := map[string]bool{}
	for p := range sc.sources {
		if err := root.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("staging: remove %s, extracted for the hard links to it: %w", p, err)
		}
		for d := path.Dir(p); d != "." && !sc.extract(d); d = path.Dir(d) {
			dirs[d] = true
		}
	}
	list := make([]string, 0, len(dirs))
	for d := range dirs {
		list = append(list, d)
	}
	// deepest first, so that a parent is empty when its turn comes
	slices.SortFunc(list, func(a, b string) int { return cmp.Compare(strings.Count(b, "/"), strings.Count(a, "/")) })
	for _, d := range list {
		if err := root.Remove(d); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("staging: remove %s, made for the hard links' files: %w", d, err)
		}
	}
	return nil
}
