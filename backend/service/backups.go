package service

import (
	"context"

	"rewind/backend/backup"
	"rewind/backend/deployment"
	"rewind/backend/progress"
	"rewind/backend/restore"
)

// ListBackups returns d's backups, newest first.
func (s *Service) ListBackups(ctx context.Context, d deployment.Deployment) ([]backup.Record, error) {
	return s.backups.List(ctx, d)
}

// Backup returns one of d's backups.
func (s *Service) Backup(ctx context.Context, d deployment.Deployment, id int64) (backup.Record, error) {
	return s.backups.Get(ctx, d, id)
}

// ShowBackup returns a backup's manifest, size breakdown and up to
// maxEntries of its entries (0: all).
func (s *Service) ShowBackup(ctx context.Context, d deployment.Deployment, id int64, maxEntries int) (backup.Details, error) {
	return s.backups.Show(ctx, d, id, maxEntries)
}

// CreateBackup takes a backup of d.
func (s *Service) CreateBackup(ctx context.Context, d deployment.Deployment, req backup.CreateRequest, report progress.Report) (backup.CreateResult, error) {
	return s.backups.Create(ctx, d, req, report)
}

// VerifyBackup re-hashes a backup and decodes it to the end.
func (s *Service) VerifyBackup(ctx context.Context, d deployment.Deployment, id int64, report progress.Report) (backup.Record, error) {
	return s.backups.Verify(ctx, d, id, report)
}

// DeleteBackup deletes a backup's file and record.
func (s *Service) DeleteBackup(ctx context.Context, d deployment.Deployment, id int64) (backup.DeleteResult, error) {
	return s.backups.Delete(ctx, d, id)
}

// PruneBackups applies the retention policy pol (with dryRun, only lists
// what would go).
func (s *Service) PruneBackups(ctx context.Context, d deployment.Deployment, pol backup.Policy, dryRun bool) (backup.PruneResult, error) {
	return s.backups.Prune(ctx, d, pol, dryRun)
}

// ImportBackup adopts an archive made by Rewind elsewhere.
func (s *Service) ImportBackup(ctx context.Context, d deployment.Deployment, file string, report progress.Report) (backup.Record, error) {
	return s.backups.Import(ctx, d, file, report)
}

// MoveStorage moves every archive of d to dir and updates the catalog.
func (s *Service) MoveStorage(ctx context.Context, d deployment.Deployment, dir string, report progress.Report) (backup.MoveResult, error) {
	return s.backups.MoveStorage(ctx, d, dir, report)
}

// RebuildCatalog rescans d's storage directory and adopts the archives the
// catalog does not know.
func (s *Service) RebuildCatalog(ctx context.Context, d deployment.Deployment, report progress.Report) (backup.RebuildResult, error) {
	return s.backups.Rebuild(ctx, d, report)
}

// PlanRestore previews restoring a backup in a mode: what is replaced,
// added, removed and lost. Nothing changes.
func (s *Service) PlanRestore(ctx context.Context, d deployment.Deployment, id int64, mode restore.Mode) (restore.Plan, error) {
	return s.restorer.Plan(ctx, d, id, mode)
}

// Restore puts a backup back into d.
func (s *Service) Restore(ctx context.Context, d deployment.Deployment, id int64, opts restore.Options, report progress.Report) (restore.Result, error) {
	return s.restorer.Run(ctx, d, id, opts, report)
}
