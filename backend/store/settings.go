package store

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"rewind/backend/deployment"
	"rewind/backend/durable"
)

// SettingsFileName is the copy of every deployment's settings that Open
// keeps beside the catalog, so that a catalog lost to damage can be
// recreated with its deployments (their backups are rebuilt from the
// archives). It is rewritten whenever a deployment's settings change.
const SettingsFileName = "deployments.json"

// savedSettings is the file's document.
type savedSettings struct {
	About       string            `json:"about"`
	Deployments []savedDeployment `json:"deployments"`
	// Config holds the app's settings (such as retention policies, keyed by
	// deployment ID), as in the catalog's app_config.
	Config map[string]json.RawMessage `json:"config,omitempty"`
}

type savedDeployment struct {
	ID             int64     `json:"id"`
	Name           string    `json:"name"`
	Path           string    `json:"path"`
	DataPaths      []string  `json:"dataPaths"`
	Excludes       []string  `json:"excludes"`
	VersionKey     string    `json:"versionKey"`
	StorageDir     string    `json:"storageDir"`
	ComposeProject string    `json:"composeProject"`
	CreatedAt      time.Time `json:"createdAt"`
	// ArchiveDirs are the directories other than StorageDir that hold some
	// of its archives (a storage move that stopped part way).
	ArchiveDirs []string `json:"archiveDirs,omitempty"`
	// BackupWarnings are the warnings of its backups that completed with
	// some, which the archives do not hold: a rebuild gives them back to
	// the archive of the same hash.
	BackupWarnings []savedWarnings `json:"backupWarnings,omitempty"`
}

// savedWarnings are one backup's warnings, by its archive.
type savedWarnings struct {
	Name     string   `json:"name"`
	SHA256   string   `json:"sha256"`
	Warnings []string `json:"warnings"`
}

const settingsAbout = "Copy of the deployments' settings in " + DBFileName +
	", read only when the catalog must be recreated. Edit the settings in Rewind, not in this file."

// rebuildKey marks a catalog that lost something and whose backups are yet
// to be rebuilt from the archives.
const rebuildKey = "catalog.rebuildPending"

// backupFacts lists the directories, other than its storage directory,
// where the catalog has archives of d, and the warnings of its backups. It
// reads only the columns it needs: it runs at every open, and a backup's
// manifest can be large.
func (s *Store) backupFacts(ctx context.Context, d deployment.Deployment) ([]string, []savedWarnings, error) {
	bs, err := queryRows(ctx, s, "backups", `backup_name, backup_path, backup_hash, warnings::VARCHAR`,
		"backup_records", `WHERE deployment_id = ? ORDER BY created_at DESC, id DESC`, []any{d.ID},
		func(rows *sql.Rows) (Backup, error) {
			var b Backup
			var hash, warnings sql.NullString
			if err := rows.Scan(&b.Name, &b.Path, &hash, &warnings); err != nil {
				return Backup{}, fmt.Errorf("scan backup: %w", err)
			}
			b.SHA256 = hash.String
			var err error
			if b.Warnings, err = decodeWarnings(warnings); err != nil {
				return Backup{}, fmt.Errorf("scan backup %q: warnings: %w", b.Name, err)
			}
			return b, nil
		})
	if err != nil {
		return nil, nil, err
	}
	var dirs []string
	var warned []savedWarnings
	for _, b := range bs {
		if dir := filepath.Dir(b.Path); dir != filepath.Clean(d.StorageDir) && !slices.Contains(dirs, dir) {
			dirs = append(dirs, dir)
		}
		if len(b.Warnings) > 0 && b.SHA256 != "" {
			warned = append(warned, savedWarnings{Name: b.Name, SHA256: b.SHA256, Warnings: b.Warnings})
		}
	}
	slices.Sort(dirs)
	slices.SortFunc(warned, func(a, b savedWarnings) int { return cmp.Compare(a.Name, b.Name) })
	return dirs, warned, nil
}

// savedConfig is every app_config entry but the rebuild mark.
func (s *Store) savedConfig(ctx context.Context) (map[string]json.RawMessage, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT key, value::VARCHAR FROM app_config WHERE key <> ? ORDER BY key`, rebuildKey)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	defer rows.Close()
	out := map[string]json.RawMessage{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("read config: %w", err)
		}
		out[k] = json.RawMessage(v)
	}
	return out, rows.Err()
}

func (s *Store) settingsPath() string { return filepath.Join(filepath.Dir(s.path), SettingsFileName) }

// saveSettings writes the settings file when it differs from the catalog.
// A no-op in memory. Saves are serialised, so the last one to write has
// read the newest catalog: two changes at once never leave the file with
// the older of them.
func (s *Store) saveSettings(ctx context.Context) error {
	if s.path == "" {
		return nil
	}
	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	if p, err := s.pending(ctx); err != nil || p != nil {
		return err // until the rebuild is done, the file is the truth
	}
	return s.writeSettings(ctx)
}

// writeSettings is saveSettings once it holds saveMu and knows that no
// rebuild is pending.
func (s *Store) writeSettings(ctx context.Context) error {
	deps, err := s.ListDeployments(ctx)
	if err != nil {
		return err
	}
	doc := savedSettings{About: settingsAbout, Deployments: []savedDeployment{}}
	for _, d := range deps {
		dirs, warned, err := s.backupFacts(ctx, d)
		if err != nil {
			return err
		}
		doc.Deployments = append(doc.Deployments, savedDeployment{ID: d.ID, Name: d.Name, Path: d.Path,
			DataPaths: d.DataPaths, Excludes: d.Excludes, VersionKey: d.VersionKey,
			StorageDir: d.StorageDir, ComposeProject: d.ComposeProject, CreatedAt: d.CreatedAt,
			ArchiveDirs: dirs, BackupWarnings: warned})
	}
	if doc.Config, err = s.savedConfig(ctx); err != nil {
		return err
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	p := s.settingsPath()
	if old, err := os.ReadFile(p); err == nil && bytes.Equal(old, data) {
		return nil
	}
	if err := durable.WriteFile(p, data, 0o600); err != nil {
		return fmt.Errorf("the deployments' settings could not be saved to %s: %w", SettingsFileName, err)
	}
	return nil
}

// settingsSaved wraps an error of saving the settings file after the catalog
// itself changed.
func settingsSaved(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("the catalog is updated, but %w", err)
}

// restoreSettings gives a catalog that lost something the deployments and
// settings of the settings file, which is never older than the catalog:
// missing deployments are created with their IDs, changed ones updated. The
// catalog is marked for a rebuild of the backups from the archives first,
// so that an interruption leaves the settings file as it was and the
// restore is run again (openCatalog). It returns what it did, for the admin.
func (s *Store) restoreSettings(ctx context.Context) (string, error) {
	var doc savedSettings
	data, err := os.ReadFile(s.settingsPath())
	switch {
	case errors.Is(err, os.ErrNotExist): // made before the settings file existed
	case err != nil:
		return "", fmt.Errorf("read %s: %w", SettingsFileName, err)
	default:
		if err := json.Unmarshal(data, &doc); err != nil {
			return "", fmt.Errorf("read %s: %w", SettingsFileName, err)
		}
	}
	mark := pendingRebuild{ArchiveDirs: map[string][]string{}}
	for _, saved := range doc.Deployments {
		if len(saved.ArchiveDirs) > 0 {
			mark.ArchiveDirs[saved.Path] = saved.ArchiveDirs
		}
		for _, w := range saved.BackupWarnings {
			if mark.Warnings == nil {
				mark.Warnings = map[string][]string{}
			}
			mark.Warnings[w.SHA256] = w.Warnings
		}
	}
	if err := s.setConfig(ctx, rebuildKey, mark); err != nil {
		return "", err
	}
	slices.SortFunc(doc.Deployments, func(a, b savedDeployment) int { return cmp.Compare(a.ID, b.ID) })
	var maxID int64
	for _, saved := range doc.Deployments {
		maxID = max(maxID, saved.ID)
		d := deployment.Deployment{Name: saved.Name, Path: saved.Path, DataPaths: saved.DataPaths,
			Excludes: saved.Excludes, VersionKey: saved.VersionKey, StorageDir: saved.StorageDir,
			ComposeProject: saved.ComposeProject, CreatedAt: saved.CreatedAt}
		have, err := s.DeploymentByPath(ctx, d.Path)
		switch {
		case err == nil:
			d.ID = have.ID
			err = s.updateDeployment(ctx, d)
		case errors.Is(err, ErrNotFound):
			_, idErr := s.DeploymentByID(ctx, saved.ID)
			d.ID = saved.ID
			_, err = s.createDeployment(ctx, d, saved.ID > 0 && errors.Is(idErr, ErrNotFound))
		}
		if err != nil {
			return "", fmt.Errorf("restore deployment %q from %s: %w", d.Name, SettingsFileName, err)
		}
	}
	if err := s.passSequence(ctx, "deployments_seq", maxID); err != nil {
		return "", err
	}
	for k, v := range doc.Config {
		if k == rebuildKey {
			continue
		}
		if err := s.setConfig(ctx, k, v); err != nil {
			return "", fmt.Errorf("restore setting %q from %s: %w", k, SettingsFileName, err)
		}
	}
	deps, err := s.ListDeployments(ctx)
	if err != nil {
		return "", err
	}
	if len(deps) == 0 {
		return "no deployment's settings were found (" + SettingsFileName + "): register each deployment " +
			"again with its storage directory, then rebuild the catalog from its archives", s.setConfig(ctx, rebuildKey, nil)
	}
	mark.Restored = true
	if err := s.setConfig(ctx, rebuildKey, mark); err != nil {
		return "", err
	}
	return fmt.Sprintf("%d deployment(s) restored with their settings from %s; the backups of %d deployment(s) are rebuilt from the archives",
		len(doc.Deployments), SettingsFileName, len(deps)), nil
}

// passSequence advances seq until its next value exceeds id, so that rows
// restored with their IDs are never handed out again.
func (s *Store) passSequence(ctx context.Context, seq string, id int64) error {
	for id > 0 {
		var v int64
		if err := s.db.QueryRowContext(ctx, `SELECT nextval('`+seq+`')`).Scan(&v); err != nil {
			return fmt.Errorf("advance %s: %w", seq, err)
		}
		if v >= id {
			return nil
		}
	}
	return nil
}

// pendingRebuild is the value of rebuildKey.
type pendingRebuild struct {
	ArchiveDirs map[string][]string `json:"archiveDirs"` // by deployment path
	Restored    bool                `json:"restored"`    // the settings file was read in
	// Warnings are the saved warnings of backups, by archive SHA-256.
	Warnings map[string][]string `json:"warnings,omitempty"`
}

func (s *Store) pending(ctx context.Context) (*pendingRebuild, error) {
	var p *pendingRebuild
	_, err := s.GetConfig(ctx, rebuildKey, &p)
	return p, err
}

// PendingRebuild reports whether the catalog lost something and its backups
// are still to be rebuilt from the archives (see backup.Manager.Recover),
// with, by deployment path, the directories besides the storage directory
// that held some of its archives.
func (s *Store) PendingRebuild(ctx context.Context) (pending bool, archiveDirs map[string][]string, err error) {
	p, err := s.pending(ctx)
	if err != nil || p == nil {
		return false, nil, err
	}
	return true, p.ArchiveDirs, nil
}

// SavedWarnings returns, while a rebuild is pending, the warnings the lost
// catalog had for the backup whose archive has this SHA-256 (nil for none):
// the archives do not hold them, the settings file keeps a copy.
func (s *Store) SavedWarnings(ctx context.Context, sha256 string) ([]string, error) {
	p, err := s.pending(ctx)
	if err != nil || p == nil || sha256 == "" {
		return nil, err
	}
	return p.Warnings[sha256], nil
}

// SaveSettings brings the settings file up to date with the catalog, such
// as after a backup that completed with warnings, which it keeps a copy of.
func (s *Store) SaveSettings(ctx context.Context) error {
	return s.saveSettings(ctx)
}

// RebuildDone clears the mark PendingRebuild reads, and the settings file
// follows the catalog again.
func (s *Store) RebuildDone(ctx context.Context) error {
	if err := s.setConfig(ctx, rebuildKey, nil); err != nil {
		return err
	}
	return settingsSaved(s.saveSettings(ctx))
}
