package backup

import (
	"fmt"

	"rewind/backend/archive"
	"rewind/backend/deployment"
)

// checkLabels refuses a version or description the archive's manifest may
// not carry (the import and rebuild of the archive would refuse it).
func checkLabels(dep deployment.Deployment, req CreateRequest, version string) error {
	if req.Version == "" {
		if err := dep.CheckEnvVersion(); err != nil {
			return err
		}
	} else if err := archive.CheckVersion(version); err != nil {
		return fmt.Errorf("%w: the backup's %w", deployment.ErrInvalidSetting, err)
	}
	if err := archive.CheckDescription(req.Description); err != nil {
		return fmt.Errorf("%w: the backup's %w", deployment.ErrInvalidSetting, err)
	}
	return nil
}
