package service

import (
	"context"
	"fmt"
	"slices"

	"rewind/backend/backup"
	"rewind/backend/deployment"
	"rewind/backend/restore"
)

// Settings are a deployment's settings as the settings screen edits them.
type Settings struct {
	DataPaths  []string      `json:"dataPaths"`
	Excludes   []string      `json:"excludes"`
	VersionKey string        `json:"versionKey"`
	StorageDir string        `json:"storageDir"`
	Retention  backup.Policy `json:"retention"`
}

// Settings returns d's settings and retention policy.
func (s *Service) Settings(ctx context.Context, d deployment.Deployment) (Settings, error) {
	set := Settings{DataPaths: d.DataPaths, Excludes: d.Excludes, VersionKey: d.VersionKey, StorageDir: d.StorageDir}
	if _, err := s.store.GetConfig(ctx, d.PolicyKey(), &set.Retention); err != nil {
		return set, err
	}
	return set, nil
}

// SaveSettings updates d's data paths, excludes, version key and retention
// policy, and returns the settings as saved. Everything is checked before
// anything is saved: a setting that is refused changes nothing. The storage
// directory is not a setting here: it changes only by MoveStorage.
func (s *Service) SaveSettings(ctx context.Context, d deployment.Deployment, set Settings) (Settings, error) {
	if err := set.Retention.Validate(); err != nil {
		return Settings{}, err
	}
	saved, err := deployment.Init(ctx, s.store, s.stateDir, deployment.InitOptions{Path: d.Path, Name: d.Name,
		DataPaths: set.DataPaths, Excludes: set.Excludes, VersionKey: set.VersionKey})
	if err != nil {
		return Settings{}, err
	}
	if err := s.store.SetConfig(ctx, saved.PolicyKey(), set.Retention); err != nil {
		return Settings{}, err
	}
	return s.Settings(ctx, saved)
}

// SettingsWarnings are what the admin should hear about d's settings that
// were accepted but are probably wrong: data paths that do not exist or are
// links, excludes that match nothing, and the restore modes a mount point in
// the live tree would refuse, by the restore's own check.
func SettingsWarnings(d deployment.Deployment) []string {
	out := d.Warnings()
	var modes, msgs []string
	for _, m := range []restore.Mode{restore.Full, restore.App, restore.Data} {
		err := restore.MountsRefused(d, m)
		if err == nil {
			continue
		}
		if i := slices.Index(msgs, err.Error()); i >= 0 {
			modes[i] += " and " + string(m)
			continue
		}
		modes, msgs = append(modes, string(m)), append(msgs, err.Error())
	}
	for i := range msgs {
		out = append(out, fmt.Sprintf("a %s restore of this deployment would be refused as it is now: %s", modes[i], msgs[i]))
	}
	return out
}
