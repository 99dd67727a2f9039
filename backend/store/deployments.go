package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"rewind/backend/deployment"
	"strconv"
	"unicode/utf8"
)

const deploymentColumns = `id, name, path, data_paths::VARCHAR, excludes::VARCHAR, version_key,
	storage_dir, compose_project, created_at, last_used_at`

func validateDeployment(d deployment.Deployment) error {
	if d.Name == "" {
		return invalidf("empty deployment name")
	}
	if !filepath.IsAbs(d.Path) {
		return invalidf("deployment path %q is not absolute", d.Path)
	}
	if !utf8.ValidString(d.Path) {
		return invalidf("deployment path %q is not valid UTF-8, which the catalog cannot hold: rename the directory", d.Path)
	}
	return nil
}

// stringList encodes a list of paths as JSON, which holds only valid UTF-8
// (it would store U+FFFD instead, a path that silently matches nothing).
func stringList(v []string) (string, error) {
	if v == nil {
		v = []string{}
	}
	for _, p := range v {
		if !utf8.ValidString(p) {
			return "", invalidf("path %q is not valid UTF-8, which the catalog cannot hold: use a pattern (* or ?) that matches it", p)
		}
	}
	return encodeJSON(v)
}

// deploymentDuplicate maps a unique violation on deployments to a sentinel.
func deploymentDuplicate(err error, d deployment.Deployment) error {
	switch uniqueViolation(err) {
	case "name":
		return fmt.Errorf("deployment %q: %w", d.Name, ErrDuplicateName)
	case "path":
		return fmt.Errorf("deployment path %q: %w", d.Path, ErrDuplicatePath)
	}
	return err
}

// CreateDeployment inserts d and returns its ID. CreatedAt and LastUsedAt
// default to now. The settings file is brought up to date.
func (s *Store) CreateDeployment(ctx context.Context, d deployment.Deployment) (int64, error) {
	id, err := s.createDeployment(ctx, d, false)
	if err != nil {
		return 0, err
	}
	return id, settingsSaved(s.saveSettings(ctx))
}

func (s *Store) createDeployment(ctx context.Context, d deployment.Deployment, keepID bool) (int64, error) {
	if err := validateDeployment(d); err != nil {
		return 0, err
	}
	dataPaths, err := stringList(d.DataPaths)
	if err != nil {
		return 0, err
	}
	excludes, err := stringList(d.Excludes)
	if err != nil {
		return 0, err
	}
	created := d.CreatedAt
	if created.IsZero() {
		created = now()
	}
	used := d.LastUsedAt
	if used.IsZero() {
		used = created
	}
	// keepID: a deployment restored into a new catalog keeps its ID, which
	// other settings (the retention policy) are keyed by.
	id := "nextval('deployments_seq')"
	if keepID {
		id = strconv.FormatInt(d.ID, 10)
	}
	newID, err := s.insertID(ctx, `INSERT INTO deployments (id, name, path, data_paths, excludes, version_key,
		storage_dir, compose_project, created_at, last_used_at)
		VALUES (`+id+`, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		d.Name, filepath.Clean(d.Path), dataPaths, excludes, d.VersionKey, d.StorageDir,
		d.ComposeProject, created.UTC(), used.UTC())
	if err != nil {
		return 0, fmt.Errorf("create deployment: %w", deploymentDuplicate(err, d))
	}
	return newID, nil
}

// UpdateDeployment rewrites d's name, path and settings (by d.ID), and the
// settings file.
func (s *Store) UpdateDeployment(ctx context.Context, d deployment.Deployment) error {
	if err := s.updateDeployment(ctx, d); err != nil {
		return err
	}
	return settingsSaved(s.saveSettings(ctx))
}

func (s *Store) updateDeployment(ctx context.Context, d deployment.Deployment) error {
	if err := validateDeployment(d); err != nil {
		return err
	}
	dataPaths, err := stringList(d.DataPaths)
	if err != nil {
		return err
	}
	excludes, err := stringList(d.Excludes)
	if err != nil {
		return err
	}
	n, err := s.exec(ctx, `UPDATE deployments SET name = ?, path = ?, data_paths = ?, excludes = ?,
		version_key = ?, storage_dir = ?, compose_project = ? WHERE id = ?`,
		d.Name, filepath.Clean(d.Path), dataPaths, excludes, d.VersionKey, d.StorageDir,
		d.ComposeProject, d.ID)
	if err != nil {
		return fmt.Errorf("update deployment: %w", deploymentDuplicate(err, d))
	}
	if n == 0 {
		return fmt.Errorf("deployment %d: %w", d.ID, errDeploymentNotFound)
	}
	return nil
}

// TouchDeployment sets the deployment's last use to now.
func (s *Store) TouchDeployment(ctx context.Context, id int64) error {
	n, err := s.exec(ctx, `UPDATE deployments SET last_used_at = ? WHERE id = ?`, now(), id)
	if err != nil {
		return fmt.Errorf("touch deployment: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("deployment %d: %w", id, errDeploymentNotFound)
	}
	return nil
}

// DeploymentByID returns the deployment, or ErrNotFound.
func (s *Store) DeploymentByID(ctx context.Context, id int64) (deployment.Deployment, error) {
	return s.oneDeployment(ctx, "id = ?", id)
}

// DeploymentByPath returns the deployment registered at path (cleaned), or ErrNotFound.
func (s *Store) DeploymentByPath(ctx context.Context, path string) (deployment.Deployment, error) {
	return s.oneDeployment(ctx, "path = ?", filepath.Clean(path))
}

// DeploymentByName returns the deployment, or ErrNotFound.
func (s *Store) DeploymentByName(ctx context.Context, name string) (deployment.Deployment, error) {
	return s.oneDeployment(ctx, "name = ?", name)
}

// MostRecentDeployment returns the deployment used last, or ErrNotFound when
// none is registered.
func (s *Store) MostRecentDeployment(ctx context.Context) (deployment.Deployment, error) {
	list, err := s.queryDeployments(ctx, `ORDER BY last_used_at DESC, id DESC LIMIT 1`)
	if err != nil {
		return deployment.Deployment{}, err
	}
	if len(list) == 0 {
		return deployment.Deployment{}, fmt.Errorf("deployment: %w", errDeploymentNotFound)
	}
	return list[0], nil
}

// ListDeployments returns every deployment by name.
func (s *Store) ListDeployments(ctx context.Context) ([]deployment.Deployment, error) {
	return s.queryDeployments(ctx, `ORDER BY name, id`)
}

func (s *Store) oneDeployment(ctx context.Context, where string, key any) (deployment.Deployment, error) {
	list, err := s.queryDeployments(ctx, "WHERE "+where, key)
	if err != nil {
		return deployment.Deployment{}, err
	}
	if len(list) == 0 {
		return deployment.Deployment{}, fmt.Errorf("deployment %v: %w", key, errDeploymentNotFound)
	}
	return list[0], nil
}

// queryDeployments reads deployments; each knows the state directory of
// the catalog that holds it (empty for an in-memory catalog).
func (s *Store) queryDeployments(ctx context.Context, tail string, args ...any) ([]deployment.Deployment, error) {
	list, err := queryRows(ctx, s, "deployments", deploymentColumns, "deployments", tail, args, scanDeployment)
	for i := range list {
		list[i].StateDir = s.Dir()
	}
	return list, err
}

func scanDeployment(rows *sql.Rows) (deployment.Deployment, error) {
	var d deployment.Deployment
	var dataPaths, excludes string
	if err := rows.Scan(&d.ID, &d.Name, &d.Path, &dataPaths, &excludes, &d.VersionKey,
		&d.StorageDir, &d.ComposeProject, &d.CreatedAt, &d.LastUsedAt); err != nil {
		return deployment.Deployment{}, fmt.Errorf("scan deployment: %w", err)
	}
	d.CreatedAt, d.LastUsedAt = d.CreatedAt.UTC(), d.LastUsedAt.UTC()
	d.DataPaths, d.Excludes = []string{}, []string{}
	if err := json.Unmarshal([]byte(dataPaths), &d.DataPaths); err != nil {
		return deployment.Deployment{}, fmt.Errorf("deployment %d data paths: %w", d.ID, err)
	}
	if err := json.Unmarshal([]byte(excludes), &d.Excludes); err != nil {
		return deployment.Deployment{}, fmt.Errorf("deployment %d excludes: %w", d.ID, err)
	}
	if d.DataPaths == nil {
		d.DataPaths = []string{}
	}
	if d.Excludes == nil {
		d.Excludes = []string{}
	}
	return d, nil
}

// errDeploymentNotFound is both the store's ErrNotFound and the deployment
// package's, so that either package's callers can match it.
var errDeploymentNotFound notFound

type notFound struct{}

func (notFound) Error() string { return "not found" }

func (notFound) Is(target error) bool {
	return target == ErrNotFound || target == deployment.ErrNotFound
}
