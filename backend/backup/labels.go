package backup

import (
	"fmt"
	"path/filepath"

	"rewind/backend/archive"
	"rewind/backend/deployment"
)

// checkLabels refuses a version or description the archive's manifest may
// not carry (the import and rebuild of the archive would refuse it).
func checkLabels(dep deployment.Deployment, req CreateRequest, version string) error {
	if req.Version == "" {
		if err := CheckEnvVersion(dep); err != nil {
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

// CheckEnvVersion refuses a deployment whose .env version no backup could
// record: the archive's manifest may not carry it. Operations that take a
// backup of the deployment as it is (an upgrade's pre-upgrade backup, a
// restore's pre-restore backup) call it before they change anything.
func CheckEnvVersion(dep deployment.Deployment) error {
	if err := archive.CheckVersion(dep.Version()); err != nil {
		return fmt.Errorf("%w: %s in %s: %w, and a backup records it; set a shorter one there",
			deployment.ErrInvalidSetting, dep.VersionKey, filepath.Join(dep.Path, ".env"), err)
	}
	return nil
}
