package restore

import (
	"fmt"
	"strings"

	"rewind/backend/backup"
)

// NotRestorableError says why a backup is not offered for restore. It
// matches ErrNotRestorable.
type NotRestorableError struct {
	ID  int64
	Why string // "its file … is missing", "it failed (reason)"
}

func (e *NotRestorableError) Error() string {
	return fmt.Sprintf("backup #%d cannot be restored: %s", e.ID, e.Why)
}

func (e *NotRestorableError) Is(target error) bool { return target == ErrNotRestorable }

func notRestorable(rec backup.Record) error {
	why := "it is " + strings.ReplaceAll(rec.Status, "_", " ")
	switch {
	case rec.Status == backup.StatusCompleted:
		why = "its file " + rec.Path + " is missing"
	case rec.Status == backup.StatusFailed:
		why = "it failed"
	}
	if rec.Status != backup.StatusCompleted && rec.Error != "" {
		why += " (" + rec.Error + ")"
	}
	return &NotRestorableError{ID: rec.ID, Why: why}
}

// containersText says what became of the containers after the files were
// put back: which were started again, or why none were.
func containersText(f *facts) string {
	if f.Snapshot == nil {
		return "no containers had been stopped, so none were started"
	}
	var names []string
	for _, c := range f.Snapshot.Running() {
		names = append(names, c.Name)
	}
	switch {
	case len(names) == 0:
		return "no containers were running, so none were started"
	case f.NoStart:
		return "the containers were left stopped, as asked: " + strings.Join(names, ", ")
	}
	return "started again: " + strings.Join(names, ", ")
}
