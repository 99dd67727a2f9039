package backup

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"

	"rewind/backend/deployment"
	"rewind/backend/op"
)

// ErrNoPolicy means prune was given nothing to keep by.
var ErrNoPolicy = errors.New("no retention policy")

// Policy says which backups retention keeps.
type Policy struct {
	KeepLast int `json:"keepLast"` // the newest N completed backups
	KeepDays int `json:"keepDays"` // everything younger than D days
}

// Bounds of a policy's values: a hundred years of days, and far more backups
// than a storage directory holds.
const (
	MaxKeepDays = 36500
	MaxKeepLast = 1000000
)

// Validate refuses values outside the bounds (a policy of zeros is valid: no
// retention).
func (p Policy) Validate() error {
	if p.KeepDays < 0 || p.KeepDays > MaxKeepDays {
		return fmt.Errorf("%w: retention keep-days %d is out of range: use 0 to %d", deployment.ErrInvalidSetting, p.KeepDays, MaxKeepDays)
	}
	if p.KeepLast < 0 || p.KeepLast > MaxKeepLast {
		return fmt.Errorf("%w: retention keep-last %d is out of range: use 0 to %d", deployment.ErrInvalidSetting, p.KeepLast, MaxKeepLast)
	}
	return nil
}

// PruneResult lists what retention kept and removed (or would remove).
type PruneResult struct {
	DryRun  bool     `json:"dryRun"`
	Removed []Record `json:"removed"`
	Kept    []Record `json:"kept"`
	Bytes   int64    `json:"bytes"` // freed (or to be freed)
}

// Prune applies retention: it keeps the newest KeepLast completed backups,
// every backup younger than KeepDays, and always the newest completed backup
// Rewind made here and the newest completed pre-upgrade backup it made (the
// one a rollback needs). Everything else goes, failed records and records
// whose file is missing included. With dryRun nothing is deleted.
//
// "Newest" is the order in which this catalog recorded the points, never the
// creation time an imported archive brings: another host's clock wrote that,
// and an archive dated in the future must not outrank the backup just taken.
// A point's age is counted from its creation time, or from its recording
// when that is earlier (a point is never younger than its arrival here).
func (m *Manager) Prune(ctx context.Context, dep deployment.Deployment, pol Policy, dryRun bool) (PruneResult, error) {
	res := PruneResult{DryRun: dryRun, Removed: []Record{}, Kept: []Record{}}
	if err := pol.Validate(); err != nil {
		return res, err
	}
	if pol.KeepLast == 0 && pol.KeepDays == 0 {
		return res, fmt.Errorf("%w: give --keep-last N and/or --keep-days D", ErrNoPolicy)
	}
	ctx, release, err := op.Lock(ctx, dep, "backup prune")
	if err != nil {
		return res, err
	}
	defer release()
	recs, err := m.List(ctx, dep)
	if err != nil {
		return res, err
	}
	NewestRecordedFirst(recs)
	cutoff := m.Now().AddDate(0, 0, -pol.KeepDays)
	completed, newestMade, newestPreUpgrade := 0, false, false
	for _, r := range recs { // newest recorded first
		keep := false
		if r.Status == StatusInProgress {
			keep = true // an operation still owns it
		}
		if r.Restorable() {
			completed++
			if completed <= pol.KeepLast {
				keep = true
			}
			if !r.Adopted && !newestMade {
				newestMade, keep = true, true
			}
			if r.Type == TypePreUpgrade && !r.Adopted && !newestPreUpgrade {
				newestPreUpgrade, keep = true, true
			}
		}
		age := r.CreatedAt
		if !r.RecordedAt.IsZero() && r.RecordedAt.Before(age) {
			age = r.RecordedAt
		}
		if pol.KeepDays > 0 && age.After(cutoff) {
			keep = true
		}
		if keep {
			res.Kept = append(res.Kept, r)
			continue
		}
		res.Removed = append(res.Removed, r)
		res.Bytes += r.Size
	}
	if dryRun {
		return res, nil
	}
	for _, r := range res.Removed {
		if _, err := m.Delete(ctx, dep, r.ID); err != nil {
			return res, fmt.Errorf("prune stopped at backup #%d: %w", r.ID, err)
		}
	}
	return res, nil
}

// NewestRecordedFirst orders records newest first by when this catalog
// recorded them, the one meaning of "newest" for retention, a rollback's
// fallback and delete's warnings. Creation times do not order points: an
// imported archive brings another host's clock, possibly in the future.
// IDs come from one sequence, so their order is the order of recording.
func NewestRecordedFirst(recs []Record) {
	slices.SortStableFunc(recs, func(a, b Record) int { return cmp.Compare(b.ID, a.ID) })
}

// SavedPolicy returns the deployment's retention policy (zero: none).
func (m *Manager) SavedPolicy(ctx context.Context, dep deployment.Deployment) (Policy, error) {
	var p Policy
	_, err := m.Store.GetConfig(ctx, dep.PolicyKey(), &p)
	return p, err
}
