package backup

import (
	"context"
	"fmt"

	"golang.org/x/sys/unix"

	"rewind/backend/archive"
	"rewind/backend/deployment"
)

// defaultRatio is the assumed compressed/raw ratio when history has none.
const defaultRatio = 0.6

// FreeSpace returns the bytes available to an unprivileged writer in dir's
// file system and the file system's size.
func FreeSpace(dir string) (free, size uint64, err error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, 0, fmt.Errorf("statfs %s: %w", dir, err)
	}
	return st.Bavail * uint64(st.Bsize), st.Blocks * uint64(st.Bsize), nil
}

// Reserve is the space always left free: 5% of the file system, at most 1 GiB.
func Reserve(fsSize uint64) uint64 {
	r := fsSize / 20
	if r > 1<<30 {
		r = 1 << 30
	}
	return r
}

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
	free, size, err := FreeSpace(dep.StorageDir)
	if err != nil {
		return err
	}
	need := uint64(m.Estimate(ctx, dep, plan.Totals.Bytes-plan.HoleBytes())) + Reserve(size)
	if free < need {
		return fmt.Errorf("%w in %s: the backup needs about %s (estimate plus reserve), %s is free; free some space or move the storage directory",
			ErrNoSpace, dep.StorageDir, HumanBytes(int64(need)), HumanBytes(int64(free)))
	}
	return nil
}

// HumanBytes formats a size in binary units with one decimal.
func HumanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
