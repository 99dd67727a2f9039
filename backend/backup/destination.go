package backup

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"rewind/backend/deployment"
	"rewind/backend/realpath"
)

// ErrBadStorage: a storage directory that would lose or entangle archives.
var ErrBadStorage = errors.New("storage directory refused")

// checkDestination returns the absolute storage directory a move to dir
// means, or refuses it. A relative dir is resolved against the working
// directory, as a shell user expects; what is refused is what an admin never
// means: an empty name (an unset shell variable), a directory inside any
// registered deployment's project (every backup would archive the archives,
// and a restore would swap them away), and the current storage directory
// under another name. Locations are compared resolved (docs/safety.md, Locations).
func (m *Manager) checkDestination(ctx context.Context, dep deployment.Deployment, dir string) (string, error) {
	if strings.TrimSpace(dir) == "" {
		return "", fmt.Errorf("%w: the destination is empty (an unset shell variable?); give the directory to move the archives to", ErrBadStorage)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	deps, err := m.Store.ListDeployments(ctx)
	if err != nil {
		return "", err
	}
	for _, d := range deps {
		in, err := realpath.Within(d.Path, abs)
		if err != nil {
			return "", fmt.Errorf("resolve %s: %w", abs, err)
		}
		if in {
			return "", fmt.Errorf("%w: %s is inside the project of deployment %q (%s), where every backup would archive the archives; choose a directory outside the project",
				ErrBadStorage, abs, d.Name, d.Path)
		}
	}
	if abs != filepath.Clean(dep.StorageDir) && realpath.Same(abs, dep.StorageDir) {
		return "", fmt.Errorf("%w: %s is the storage directory %s already, under another name", ErrNothingToMove, abs, dep.StorageDir)
	}
	return abs, nil
}
