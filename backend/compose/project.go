// Package compose reads a Compose deployment directory the way the Compose
// CLI does (file discovery, project name, .env, service images) and runs
// the CLI for "up". It never talks to the engine itself.
package compose

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"rewind/backend/durable"
)

// FileNames are the compose file names Compose looks for, in its order.
var FileNames = []string{"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"}

// Errors; match with errors.Is.
var (
	ErrNoComposeFile      = errors.New("no compose file")
	ErrInvalidProjectName = errors.New("invalid compose project name")
)

// FindFile returns the path of dir's compose file, the first of FileNames
// that exists.
func FindFile(dir string) (string, error) {
	for _, n := range FileNames {
		p := filepath.Join(dir, n)
		st, err := os.Stat(p)
		if err == nil && st.Mode().IsRegular() {
			return p, nil
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
	}
	return "", fmt.Errorf("%w in %s (looked for %s)", ErrNoComposeFile, dir, strings.Join(FileNames, ", "))
}

// ProjectName returns the Compose project name of the deployment in dir, by
// Compose's documented precedence (the -p flag aside): COMPOSE_PROJECT_NAME
// from dir/.env, else the compose file's top-level name: (interpolated with
// .env), else dir's base name, normalised. Explicit names must already be
// valid; the shell's environment is deliberately not consulted.
func ProjectName(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	env, err := ReadEnv(filepath.Join(abs, ".env"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	if v := env["COMPOSE_PROJECT_NAME"]; v != "" {
		return checkProjectName(v, "COMPOSE_PROJECT_NAME in .env")
	}
	file, err := FindFile(abs)
	if err != nil {
		return "", err
	}
	var top struct {
		Name string `yaml:"name"`
	}
	if err := readYAML(file, &top); err != nil {
		return "", err
	}
	if top.Name != "" {
		name, err := Interpolate(top.Name, mapLookup(env))
		if err != nil {
			return "", fmt.Errorf("%s: name: %w", file, err)
		}
		if name != "" {
			return checkProjectName(name, "name: in "+filepath.Base(file))
		}
	}
	name := NormalizeProjectName(filepath.Base(abs))
	if name == "" {
		return "", fmt.Errorf("%w: directory name %q leaves nothing after normalising; set name: in the compose file",
			ErrInvalidProjectName, filepath.Base(abs))
	}
	return name, nil
}

// NormalizeProjectName turns a directory name into a project name as Compose
// does: lower case, only a-z, 0-9, '_' and '-' kept, leading '_' and '-' trimmed.
func NormalizeProjectName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-' {
			b.WriteRune(r)
		}
	}
	return strings.TrimLeft(b.String(), "_-")
}

// ValidProjectName reports whether s is a project name Compose accepts as given.
func ValidProjectName(s string) bool {
	return s != "" && NormalizeProjectName(s) == s
}

func checkProjectName(s, from string) (string, error) {
	if !ValidProjectName(s) {
		return "", fmt.Errorf("%w %q (from %s): use only lower-case letters, digits, '-' and '_', starting with a letter or digit",
			ErrInvalidProjectName, s, from)
	}
	return s, nil
}

func readYAML(path string, v any) error {
	data, err := durable.ReadRegular(path) // never blocks on a named pipe
	if err != nil {
		return err
	}
	if err := yaml.Unmarshal(data, v); err != nil {
		return fmt.Errorf("parse %s: %w", path, err)
	}
	return nil
}
