package archive

import (
	"fmt"
	"slices"
	"strings"
)

// finishDirs applies directory owners, modes and times after their
// contents, deepest first, so that no later write disturbs them.
func (x *extractor) finishDirs() error {
	dirs := slices.Clone(x.dirs)
	slices.SortFunc(dirs, func(a, b exDirMeta) int {
		return strings.Count(b.path, "/") - strings.Count(a.path, "/")
	})
	for i, d := range dirs {
		if i%256 == 0 {
			if err := x.ctx.Err(); err != nil {
				return err
			}
		}
		if err := x.w.finishDir(d.path, d.meta); err != nil {
			return fmt.Errorf("finish directory %s: %w", d.path, err)
		}
	}
	return nil
}

func (x *extractor) dirPaths() []string {
	out := make([]string, 0, len(x.tree.nodes))
	for p, n := range x.tree.nodes {
		if n.kind == exDir && n.onDisk && p != "." {
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out
}
