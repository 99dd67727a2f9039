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
	// ErrNamesFold: two names differ only by case or Unicode normalisation
	// and the staging filesystem cannot hold both.
	ErrNamesFold = errors.New("names collide on a filesystem that folds case")
)

// UnsafeEntryError is an entry the extraction policy refuses. Path is the
// name as the archive spells it (empty for stream-level limits).
type UnsafeEntryError struct {
	Path   string
	Reason string
	Err    error // a more specific sentinel (ErrNamesFold), or nil
}

func (e *UnsafeEntryError) Error() string {
	if e.Path == "" {
		return "unsafe archive: " + e.Reason
	}
	return fmt.Sprintf("unsafe archive entry %q: %s", e.Path, e.Reason)
}

// Unwrap makes the error match ErrUnsafeEntry, and Err when set.
func (e *UnsafeEntryError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrUnsafeEntry, e.Err}
	}
	return []error{ErrUnsafeEntry}
}

func exUnsafe(p, reason string) error {
	return &UnsafeEntryError{Path: p, Reason: reason}
}
