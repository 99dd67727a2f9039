package compose

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/sirupsen/logrus"

	"rewind/backend/durable"
)

func init() {
	// The loader warns through this logger (an obsolete version: key, a
	// symlinked directory); they are Compose's to print, not Rewind's.
	logrus.SetOutput(io.Discard)
}

// ErrInvalidCompose: Compose would refuse the project (a file it cannot
// parse or validate, a missing required variable, a missing env_file, ...).
var ErrInvalidCompose = errors.New("invalid compose project")

// Project is a deployment directory resolved as Compose resolves it.
type Project struct {
	Name     string    // the Compose project name
	Dir      string    // absolute project directory
	Files    []string  // the compose files, in the order Compose merges them
	Services []Service // the active services (profiles applied), sorted by name
	// Model is the whole resolved model (networks, top-level volumes, ...).
	Model *types.Project
}

// Service is one active service of the project.
type Service struct {
	Name  string `json:"name"`
	Image string `json:"image"` // interpolated; "" for a build-only service
	// HasHealthcheck: the compose file declares an enabled healthcheck. The
	// image may define one too; the engine's inspect is what counts at run time.
	HasHealthcheck bool    `json:"hasHealthcheck"`
	Mounts         []Mount `json:"mounts,omitempty"`
}

// Mount is one entry of a service's volumes:, resolved (interpolated,
// relative bind sources made absolute against the project directory).
type Mount struct {
	Type     string `json:"type"`   // "bind", "volume", "tmpfs", "npipe", "cluster", "image"
	Source   string `json:"source"` // host path, volume name ("" for an anonymous volume)
	Target   string `json:"target"` // path in the container
	ReadOnly bool   `json:"readOnly"`
}

// Load resolves the Compose project in dir as "docker compose" run in dir
// would: the shell's environment, then dir/.env (the shell wins, as in
// Compose), COMPOSE_FILE (several files, separated by COMPOSE_PATH_SEPARATOR
// or the OS list separator) or else the default compose file and its
// override, COMPOSE_PROFILES, COMPOSE_PROJECT_NAME, name:, include,
// extends and interpolation. env holds variables that win over both the
// shell and .env, as the env given to Runner.Run does (nil: none).
func Load(ctx context.Context, dir string, env map[string]string) (*Project, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	environ, err := environment(abs, env)
	if err != nil {
		return nil, err
	}
	files, err := composeFiles(abs, environ)
	if err != nil {
		return nil, err
	}
	if v := environ["COMPOSE_PROJECT_NAME"]; v != "" && !ValidProjectName(v) {
		return nil, fmt.Errorf("%w %q (from COMPOSE_PROJECT_NAME): use only lower-case letters, digits, '-' and '_', starting with a letter or digit",
			ErrInvalidProjectName, v)
	}
	opts, err := cli.NewProjectOptions(files,
		cli.WithWorkingDirectory(abs),
		cli.WithEnv(envList(environ)),
		cli.WithDefaultProfiles(),
	)
	if err != nil {
		return nil, invalid(abs, files, err)
	}
	model, err := opts.LoadProject(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if strings.Contains(err.Error(), "project name must not be empty") {
			return nil, fmt.Errorf("%w: directory name %q leaves nothing after normalising; set name: in the compose file",
				ErrInvalidProjectName, filepath.Base(abs))
		}
		return nil, invalid(abs, files, err)
	}
	if model.Name == "" {
		return nil, fmt.Errorf("%w: directory name %q leaves nothing after normalising; set name: in the compose file",
			ErrInvalidProjectName, filepath.Base(abs))
	}
	p := &Project{Name: model.Name, Dir: abs, Files: files, Model: model}
	for name, s := range model.Services {
		svc := Service{Name: name, Image: s.Image, HasHealthcheck: healthcheck(s.HealthCheck)}
		for _, v := range s.Volumes {
			svc.Mounts = append(svc.Mounts, Mount{Type: v.Type, Source: v.Source, Target: v.Target, ReadOnly: v.ReadOnly})
		}
		p.Services = append(p.Services, svc)
	}
	slices.SortFunc(p.Services, func(a, b Service) int { return strings.Compare(a.Name, b.Name) })
	return p, nil
}

// ProjectName returns the Compose project name of the deployment in dir:
// COMPOSE_PROJECT_NAME (the environment, then .env), else the top-level
// name: of the compose files (interpolated, normalised), else dir's base
// name, normalised.
func ProjectName(dir string) (string, error) {
	p, err := Load(context.Background(), dir, nil)
	if err != nil {
		return "", err
	}
	return p.Name, nil
}

// Services lists the active services of the project in dir, sorted by
// name. env is as for Load.
func Services(dir string, env map[string]string) ([]Service, error) {
	p, err := Load(context.Background(), dir, env)
	if err != nil {
		return nil, err
	}
	return p.Services, nil
}

// environment is what Compose interpolates with: the process environment
// and extra (extra wins), then dir/.env for what neither sets.
func environment(dir string, extra map[string]string) (map[string]string, error) {
	environ := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok && k != "" {
			environ[k] = v
		}
	}
	maps.Copy(environ, extra)
	if v, ok := environ["COMPOSE_DISABLE_ENV_FILE"]; ok {
		if off, err := strconv.ParseBool(v); err == nil && off {
			return environ, nil
		}
	}
	path := filepath.Join(dir, ".env")
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return environ, nil
	case err != nil:
		return nil, err
	case st.IsDir(): // Compose ignores a directory named .env
		return environ, nil
	}
	data, err := durable.ReadRegular(path) // never blocks on a named pipe
	if err != nil {
		return nil, err
	}
	vars, err := dotenv.ParseWithLookup(bytes.NewReader(data), func(k string) (string, bool) {
		v, ok := environ[k]
		return v, ok
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrEnvSyntax, path, err)
	}
	for k, v := range vars {
		if _, set := environ[k]; !set {
			environ[k] = v
		}
	}
	return environ, nil
}

// composeFiles are the files Compose reads: COMPOSE_FILE (relative to dir),
// else dir's compose file and its override file, if any.
func composeFiles(dir string, environ map[string]string) ([]string, error) {
	if list := environ["COMPOSE_FILE"]; list != "" {
		sep := environ["COMPOSE_PATH_SEPARATOR"]
		if sep == "" {
			sep = string(os.PathListSeparator)
		}
		var files []string
		for _, f := range strings.Split(list, sep) {
			if !filepath.IsAbs(f) {
				f = filepath.Join(dir, f)
			}
			st, err := os.Stat(f)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				return nil, fmt.Errorf("%w: %s (named by COMPOSE_FILE)", ErrNoComposeFile, f)
			case err != nil:
				return nil, err
			case !st.Mode().IsRegular():
				return nil, fmt.Errorf("%w: %s (named by COMPOSE_FILE) is not a regular file", ErrNoComposeFile, f)
			}
			files = append(files, f)
		}
		return files, nil
	}
	file, err := FindFile(dir)
	if err != nil {
		return nil, err
	}
	files := []string{file}
	for _, n := range cli.DefaultOverrideFileNames {
		p := filepath.Join(dir, n)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			files = append(files, p)
			break
		}
	}
	return files, nil
}

func invalid(dir string, files []string, err error) error {
	names := make([]string, len(files))
	for i, f := range files {
		if r, rerr := filepath.Rel(dir, f); rerr == nil && !strings.HasPrefix(r, "..") {
			f = r
		}
		names[i] = f
	}
	return fmt.Errorf("%w (%s in %s): %v", ErrInvalidCompose, strings.Join(names, ", "), dir, err)
}

func envList(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	return out
}

func healthcheck(h *types.HealthCheckConfig) bool {
	return h != nil && !h.Disable && (len(h.Test) == 0 || h.Test[0] != "NONE")
}
