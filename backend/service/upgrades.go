package service

import (
	"context"

	"rewind/backend/deployment"
	"rewind/backend/progress"
	"rewind/backend/store"
	"rewind/backend/upgrade"
)

// CheckUpgrade runs the upgrade preflight for a target version and changes nothing.
func (s *Service) CheckUpgrade(ctx context.Context, d deployment.Deployment, to string) (upgrade.Preflight, error) {
	return s.upgrader.Check(ctx, d, to)
}

// Upgrade upgrades d: preflight, pre-upgrade backup, pins, compose up,
// health window, and a rollback on failure.
func (s *Service) Upgrade(ctx context.Context, d deployment.Deployment, req upgrade.Request, report progress.Report) (upgrade.Result, error) {
	return s.upgrader.Upgrade(ctx, d, req, report)
}

// PlanRollback says what rolling back an upgrade would do (0: the newest
// upgrade still in effect).
func (s *Service) PlanRollback(ctx context.Context, d deployment.Deployment, upgradeID int64) (upgrade.RollbackPlan, error) {
	return s.upgrader.PlanRollback(ctx, d, upgradeID)
}

// Rollback rolls back an upgrade (0: the newest still in effect).
func (s *Service) Rollback(ctx context.Context, d deployment.Deployment, upgradeID int64, report progress.Report) (upgrade.RollbackResult, error) {
	return s.upgrader.Rollback(ctx, d, upgradeID, report)
}

// ListUpgrades returns d's upgrade history, newest first.
func (s *Service) ListUpgrades(ctx context.Context, d deployment.Deployment) ([]store.Upgrade, error) {
	return s.store.ListUpgrades(ctx, d.ID)
}

// ListOperations returns d's activity: backups, restores, upgrades and
// rollbacks with their outcome and duration, newest first (at most limit).
func (s *Service) ListOperations(ctx context.Context, d deployment.Deployment, limit int) ([]store.Operation, error) {
	return s.store.ListOperations(ctx, d.ID, limit)
}
