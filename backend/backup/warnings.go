package backup

import (
	"fmt"
	"strings"

	"rewind/backend/archive"
)

// skippedWarning says in words which special file the scan left out:
// "skipped a named pipe: data/x.fifo (...)". live tells whether the backup
// is of the live deployment, where a restore leaves such files in place.
func skippedWarning(s archive.Skipped, live bool) string {
	kind, _, _ := strings.Cut(s.Reason, ":")
	article := "a"
	if kind != "" && strings.ContainsRune("aeiou", rune(kind[0])) {
		article = "an"
	}
	note := "not archived"
	if live {
		note += "; a restore leaves it in place"
	}
	return fmt.Sprintf("skipped %s %s: %s (%s)", article, kind, s.Path, note)
}

// crossLinkWarnings names the hard links between a data path and a file
// outside the data paths. A full restore keeps them linked; a data or app
// restore puts back only one of the names, as a separate copy.
func crossLinkWarnings(entries []archive.Entry, data []string) []string {
	inData := func(p string) bool {
		for _, d := range data {
			if d == "." || p == d || strings.HasPrefix(p, d+"/") {
				return true
			}
		}
		return false
	}
	var out []string
	for _, e := range entries {
		if e.Type == archive.TypeHardlink && inData(e.Path) != inData(e.Link) {
			out = append(out, fmt.Sprintf("%s is a hard link to %s, across the data paths: a data or app restore puts it back as a separate copy", e.Path, e.Link))
		}
	}
	return out
}
