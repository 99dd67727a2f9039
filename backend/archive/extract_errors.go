package archive

import (
	"errors"
	"fmt"
)

// Extraction errors. Policy violations are *UnsafeEntryError values that
// match ErrUnsafeEntry; differences between the extracted tree and the index
// (or the manifest's totals) match ErrExtractMismatch and ErrIndexMismatch.
var (
	ErrUnsafeEntry     = errors.New("unsafe archive entry")
	ErrExtractMismatch = fmt.Errorf("extracted tree differs from the index (%w)", ErrIndexMismatch)
	ErrStagingNotEmpty = errors.New("staging directory is not empty")
	ErrLinkFiltered    = errors.New("hard link target is excluded by the filter")
)

// UnsafeEntryError is an entry the extraction policy refuses. Path is the
// name as the archive spells it (empty for stream-level limits).
type UnsafeEntryError struct {
	Path   string
	Reason string
}

func (e *UnsafeEntryError) Error() string {
	if e.Path == "" {
		return "unsafe archive: " + e.Reason
	}
	return fmt.Sprintf("unsafe archive entry %q: %s", e.Path, e.Reason)
}

// Unwrap makes the error match ErrUnsafeEntry.
func (e *UnsafeEntryError) Unwrap() error { return ErrUnsafeEntry }

func exUnsafe(p, reason string) error {
	return &UnsafeEntryError{Path: p, Reason: reason}
}
