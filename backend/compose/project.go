// Package compose resolves a Compose deployment directory with the loader
// Compose itself uses (files, project name, .env, profiles, services and
// their mounts), reads and rewrites .env, and runs the Compose CLI for "up".
// It never talks to the engine itself.
package compose

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/loader"
)

// FileNames are the compose file names Compose looks for, in its order.
var FileNames = cli.DefaultFileNames

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

// NormalizeProjectName turns a directory name into a project name as Compose
// does: lower case, only a-z, 0-9, '_' and '-' kept, leading '_' and '-' trimmed.
func NormalizeProjectName(s string) string { return loader.NormalizeProjectName(s) }

// ValidProjectName reports whether s is a project name Compose accepts as given.
func ValidProjectName(s string) bool {
	return s != "" && NormalizeProjectName(s) == s
}
