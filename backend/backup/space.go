package backup

import (
	"context"
	"fmt"

	"rewind/backend/archive"
	"rewind/backend/deployment"
	"rewind/backend/diskspace"
)

// defaultRatio is the assumed compressed/raw ratio when history has none.
const defaultRatio = 0.6

// Estimate predicts the archive size of rawBytes of data from the
// deployment's history of completed backups, else 60% of the raw size.
func (m *Manager) Estimate(ctx context.Context, dep deployment.Deployment, rawBytes int64) int64 {
	ratio := defaultRatio
	if bs, err := m.Store.ListBackups(ctx, dep.ID); err == nil {
		for _, b := range bs {
			if b.Status != StatusCompleted || b.Size <= 0 || len(b.Metadata) == 0 {
				continue
			}
			man, err := b.Manifest()
			if err != nil {
				continue
			}
			// Holes were archived as zeros: the ratio is of the data.
			if raw := man.Totals.Bytes - man.HoleBytes(); raw > 0 {
				ratio = float64(b.Size) / float64(raw)
				break // newest completed backup
			}
		}
	}
	return int64(float64(rawBytes)*ratio) + 64<<10
}

// checkSpace refuses a backup that would not fit the storage. Sparse files'
// holes are archived as zeros, which compress to almost nothing, so they
// count for nothing in the estimate.
func (m *Manager) checkSpace(ctx context.Context, dep deployment.Deployment, plan *archive.Plan) error {
	free, size, err := diskspace.Free(dep.StorageDir)
	if err != nil {
		return err
	}
	need := uint64(m.Estimate(ctx, dep, plan.Totals.Bytes-plan.HoleBytes())) + diskspace.Reserve(size)
	if free < need {
		return fmt.Errorf("%w in %s: the backup needs about %s (estimate plus reserve), %s is free; free some space or move the storage directory",
			diskspace.ErrNoSpace, dep.StorageDir, diskspace.Human(int64(need)), diskspace.Human(int64(free)))
	}
	return nil
}
