// Package deployment is Rewind's central noun: a Compose deployment it
// manages, with its settings and what follows from them (the running
// version, what a backup leaves out and a restore keeps, where its lock and
// its own files live). It registers and resolves deployments through a
// Catalog, which the store implements.
package deployment

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"rewind/backend/archive"
	"rewind/backend/compose"
	"time"
)

// Deployment is a Compose deployment Rewind manages, with its settings.
type Deployment struct {
	ID             int64     `json:"id"`
	Name           string    `json:"name"`
	Path           string    `json:"path"`      // absolute
	DataPaths      []string  `json:"dataPaths"` // relative to Path
	Excludes       []string  `json:"excludes"`  // relative to Path
	VersionKey     string    `json:"versionKey"`
	StorageDir     string    `json:"storageDir"`
	ComposeProject string    `json:"composeProject"`
	CreatedAt      time.Time `json:"createdAt" ts_type:"string"`
	LastUsedAt     time.Time `json:"lastUsedAt" ts_type:"string"`
	// StateDir is Rewind's state directory, which backups leave out and
	// restores keep when it lies inside the deployment. The catalog sets it.
	StateDir string `json:"-"`
}

// MetaDir is where Rewind keeps its own files inside the deployment:
// staging trees, replaced trees, journals and the lock (docs/safety.md).
func (d Deployment) MetaDir() string { return filepath.Join(d.Path, archive.MetaDir) }

// LockPath is the deployment's operation lock, shared by every process
// and goroutine.
func (d Deployment) LockPath() string { return filepath.Join(d.MetaDir(), "lock") }

// PolicyKey is the settings key of the deployment's retention policy.
func (d Deployment) PolicyKey() string { return fmt.Sprintf("retention.%d", d.ID) }

// Catalog is where deployments are registered (the store).
type Catalog interface {
	DeploymentByID(ctx context.Context, id int64) (Deployment, error)
	DeploymentByPath(ctx context.Context, path string) (Deployment, error)
	DeploymentByName(ctx context.Context, name string) (Deployment, error)
	MostRecentDeployment(ctx context.Context) (Deployment, error)
	CreateDeployment(ctx context.Context, d Deployment) (int64, error)
	UpdateDeployment(ctx context.Context, d Deployment) error
	TouchDeployment(ctx context.Context, id int64) error
}

// Errors callers match.
var (
	// ErrNotFound: the catalog holds no such deployment.
	ErrNotFound       = errors.New("deployment not found")
	ErrNoProject      = errors.New("project directory not found")
	ErrNoCompose      = errors.New("no compose file")
	ErrNotConfigured  = errors.New("no deployment configured")
	ErrUnknown        = errors.New("deployment not initialised")
	ErrInvalidSetting = errors.New("invalid setting")
)

// Defaults for a new deployment.
const (
	DefaultVersionKey = "APP_VERSION"
	DefaultDataPath   = "data"
)

// InitOptions are the settings given to `rewind init`.
type InitOptions struct {
	Path       string
	Name       string
	DataPaths  []string
	Excludes   []string
	StorageDir string
	VersionKey string
}

// Init registers the deployment at opts.Path, or updates its settings when it
// is already known. stateDir is Rewind's state directory (for the default
// storage directory).
func Init(ctx context.Context, st Catalog, stateDir string, opts InitOptions) (Deployment, error) {
	path, err := CheckDir(opts.Path)
	if err != nil {
		return Deployment{}, err
	}
	project, err := compose.ProjectName(path)
	if errors.Is(err, compose.ErrNoComposeFile) {
		return Deployment{}, fmt.Errorf("%w in %s (expected compose.yaml or docker-compose.yml, or COMPOSE_FILE): %w", ErrNoCompose, path, err)
	}
	if err != nil {
		return Deployment{}, err
	}
	name := opts.Name
	if name == "" {
		name = project
	}
	if !validName.MatchString(name) {
		return Deployment{}, fmt.Errorf("%w: deployment name %q: use letters, digits, '.', '_' or '-'", ErrInvalidSetting, name)
	}
	data, err := cleanRelPaths(opts.DataPaths, "data path")
	if err != nil {
		return Deployment{}, err
	}
	if len(data) == 0 {
		data = []string{DefaultDataPath}
	}
	if err := checkDataPaths(path, data); err != nil {
		return Deployment{}, err
	}
	excl, err := cleanRelPaths(opts.Excludes, "exclude")
	if err != nil {
		return Deployment{}, err
	}
	for _, e := range excl {
		if err := archive.CheckPattern(e); err != nil {
			return Deployment{}, fmt.Errorf("%w: %w", ErrInvalidSetting, err)
		}
	}
	storage := opts.StorageDir
	if storage == "" {
		storage = filepath.Join(stateDir, "backups", name)
	}
	if storage, err = filepath.Abs(storage); err != nil {
		return Deployment{}, err
	}
	key := opts.VersionKey
	if key == "" {
		key = DefaultVersionKey
	}
	d := Deployment{Name: name, Path: path, DataPaths: data, Excludes: excl,
		VersionKey: key, StorageDir: storage, ComposeProject: project}

	existing, err := st.DeploymentByPath(ctx, path)
	if err == nil && opts.StorageDir == "" {
		d.StorageDir = existing.StorageDir // moving storage is `storage move`, not init
	}
	if err := checkLocations(path, d.StorageDir, stateDir); err != nil {
		return Deployment{}, fmt.Errorf("%w: %w", ErrInvalidSetting, err)
	}
	switch {
	case err == nil:
		d.ID = existing.ID
		if err := st.UpdateDeployment(ctx, d); err != nil {
			return Deployment{}, err
		}
	case errors.Is(err, ErrNotFound):
		if other, err := st.DeploymentByName(ctx, name); err == nil {
			return Deployment{}, fmt.Errorf("deployment name %q is already used by %s; choose another with --name", name, other.Path)
		}
		id, err := st.CreateDeployment(ctx, d)
		if err != nil {
			return Deployment{}, err
		}
		d.ID = id
	default:
		return Deployment{}, err
	}
	if err := os.MkdirAll(d.StorageDir, 0o700); err != nil {
		return Deployment{}, fmt.Errorf("create storage directory: %w", err)
	}
	if err := st.TouchDeployment(ctx, d.ID); err != nil {
		return Deployment{}, err
	}
	return st.DeploymentByID(ctx, d.ID)
}

// Resolve finds the deployment to work on: the one at path when given, else
// the most recently used one.
func Resolve(ctx context.Context, st Catalog, path string) (Deployment, error) {
	if path == "" {
		d, err := st.MostRecentDeployment(ctx)
		if errors.Is(err, ErrNotFound) {
			return d, fmt.Errorf("%w: register a deployment first", ErrNotConfigured)
		}
		return d, err
	}
	abs, err := CheckDir(path)
	if err != nil {
		return Deployment{}, err
	}
	d, err := st.DeploymentByPath(ctx, abs)
	if errors.Is(err, ErrNotFound) {
		return d, fmt.Errorf("%w: %s is not registered yet", ErrUnknown, abs)
	}
	return d, err
}

// CheckDir returns the absolute, symlink-free path of an existing directory.
func CheckDir(path string) (string, error) {
	if path == "" {
		return "", fmt.Errorf("%w: no --project given", ErrNoProject)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	st, err := os.Stat(abs)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("%w: %s does not exist", ErrNoProject, abs)
		}
		return "", fmt.Errorf("%w: %v", ErrNoProject, err)
	}
	if !st.IsDir() {
		return "", fmt.Errorf("%w: %s is not a directory", ErrNoProject, abs)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		abs = real
	}
	return abs, nil
}

// Version reads the running version from the deployment's .env (its version key).
// It returns "" when the file or key is absent.
func (d Deployment) Version() string {
	env, err := compose.ReadEnv(filepath.Join(d.Path, ".env"))
	if err != nil {
		return ""
	}
	return env[d.VersionKey]
}

// CheckEnvVersion refuses a deployment whose .env version no backup could
// record: the archive's manifest may not carry it. Operations that take a
// backup of the deployment as it is (an upgrade's pre-upgrade backup, a
// restore's pre-restore backup) call it before they change anything.
func (d Deployment) CheckEnvVersion() error {
	if err := archive.CheckVersion(d.Version()); err != nil {
		return fmt.Errorf("%w: %s in %s: %w, and a backup records it; set a shorter one there",
			ErrInvalidSetting, d.VersionKey, filepath.Join(d.Path, ".env"), err)
	}
	return nil
}

var validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

func cleanRelPaths(in []string, what string) ([]string, error) {
	out := []string{}
	for _, p := range in {
		p = strings.TrimSuffix(filepath.ToSlash(filepath.Clean(p)), "/")
		if !filepath.IsLocal(p) || p == "." {
			return nil, fmt.Errorf("%w: %s %q: it must be a path inside the project directory", ErrInvalidSetting, what, p)
		}
		out = append(out, p)
	}
	return out, nil
}
