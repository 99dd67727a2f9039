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
