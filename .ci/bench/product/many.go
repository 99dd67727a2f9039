package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// manyResult is the memory check on a tree of many small files: docs/architecture.md ("Resources")
// asks for peak memory under 200 MB for any backup or restore, independent
// of the data's size, and what grows with a tree is its number of entries.
type manyResult struct {
	files           int
	backup, restore sample
}

// manySmallFiles backs up and restores a generated tree of n small files
// (in 100 directories) with its own catalog, and returns both samples.
func manySmallFiles(bin, work string, n int) (manyResult, error) {
	res := manyResult{files: n}
	project := filepath.Join(work, "project")
	for i := range n {
		dir := filepath.Join(project, "data", fmt.Sprintf("d%03d", i%100))
		if i < 100 {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return res, err
			}
		}
		name := filepath.Join(dir, fmt.Sprintf("f%06d.txt", i))
		if err := os.WriteFile(name, fmt.Appendf(nil, "record %d\n", i), 0o644); err != nil {
			return res, err
		}
	}
	rw, err := newRewind(bin, work, project)
	if err != nil {
		return res, err
	}
	s, rec, err := rw.create("gzip")
	if err != nil {
		return res, err
	}
	res.backup = s
	if res.restore, _, _, err = rw.restore(rec.ID); err != nil {
		return res, err
	}
	return res, nil
}

// report prints the check and says whether the goal was met.
func (m manyResult) report(w io.Writer) bool {
	rss := max(m.backup.rss, m.restore.rss)
	fmt.Fprintf(w, "\nMANY SMALL FILES (%d files): backup %.1f s, peak RSS %.0f MB; restore %.1f s (safety copy %.1f s), peak RSS %.0f MB\n",
		m.files, m.backup.wall, float64(m.backup.rss)/1e6, m.restore.wall, m.restore.safety, float64(m.restore.rss)/1e6)
	return rss < goalPeakRSS
}
