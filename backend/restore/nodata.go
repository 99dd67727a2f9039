package restore

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"rewind/backend/archive"
)

// ErrNoData: a data-mode restore of a backup that holds none of the
// deployment's data would change nothing (or only empty what is live), yet
// report success.
var ErrNoData = errors.New("backup holds no data")

// checkHoldsData refuses a data-mode restore when no archived entry lies
// below a data path. A data path archived only as a symlink (its data lay
// outside the project) holds no data either.
func checkHoldsData(id int64, data []string, entries []archive.Entry) error {
	links := map[string]string{}
	for _, e := range entries {
		if !under(e.Path, data) {
			continue
		}
		if e.Type == archive.TypeSymlink && slices.Contains(data, e.Path) {
			links[e.Path] = e.Link
			continue
		}
		return nil
	}
	if len(links) > 0 {
		var parts []string
		for _, p := range slices.Sorted(maps.Keys(links)) {
			parts = append(parts, fmt.Sprintf("%s (a symlink to %s)", p, links[p]))
		}
		return fmt.Errorf("%w: backup #%d holds the data paths only as symlinks, not their data: %s; a data restore would change nothing",
			ErrNoData, id, strings.Join(parts, ", "))
	}
	return fmt.Errorf("%w: backup #%d holds nothing under the data paths %s; a data restore would change nothing",
		ErrNoData, id, strings.Join(data, ", "))
}
