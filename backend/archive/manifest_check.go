package archive

import (
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Bounds of a manifest's free-text fields.
const (
	maxManifestVersion     = 4096
	maxManifestDescription = 64 << 10
	maxManifestText        = 1024 // service names, image references and IDs
)

var (
	manifestDeployment = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	manifestProject    = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,254}$`)
	manifestType       = regexp.MustCompile(`^[a-z][a-z-]{0,31}$`)
	earliestManifest   = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	latestManifest     = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
)

// Check refuses a manifest with a field outside the values Rewind writes.
// Readers that take an archive from outside (import, catalog rebuild) call
// it before any field becomes a file name, a catalog row, a restore scope
// or terminal output. Errors match ErrNoManifest (ErrUnsupportedVersion for
// a newer format) and name the field.
func (m Manifest) Check() error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("%w: %s %s", ErrNoManifest, field, fmt.Sprintf(format, args...))
	}
	switch {
	case m.FormatVersion < 1:
		return bad("formatVersion", "%d is not a format version", m.FormatVersion)
	case m.FormatVersion > FormatVersion:
		return fmt.Errorf("%w: version %d, this build reads up to %d", ErrUnsupportedVersion, m.FormatVersion, FormatVersion)
	case !manifestDeployment.MatchString(m.Deployment):
		return bad("deployment", "%q is not a deployment name (letters, digits, '.', '_' or '-', at most 64)", m.Deployment)
	case m.Project != "" && !manifestProject.MatchString(m.Project):
		return bad("project", "%q is not a Compose project name", m.Project)
	case !manifestType.MatchString(m.Type):
		return bad("type", "%q is not a backup type", m.Type)
	case m.Compression != Gzip && m.Compression != Zstd:
		return bad("compression", "%q is neither gzip nor zstd", m.Compression)
	case m.CreatedAt.IsZero() || m.CreatedAt.Before(earliestManifest) || m.CreatedAt.After(latestManifest):
		return bad("createdAt", "%s is not a plausible time", m.CreatedAt.UTC().Format(time.RFC3339))
	case m.Totals.Entries < 0 || m.Totals.Files < 0 || m.Totals.Bytes < 0:
		return bad("totals", "%+v are negative", m.Totals)
	}
	// The version and the description are the admin's own text (the .env,
	// --description): any characters, bounded. They never name a file
	// unsanitised, and the CLI escapes what it prints.
	if err := CheckVersion(m.Version); err != nil {
		return fmt.Errorf("%w: %w", ErrNoManifest, err)
	}
	if err := CheckDescription(m.Description); err != nil {
		return fmt.Errorf("%w: %w", ErrNoManifest, err)
	}
	for _, list := range []struct {
		field string
		paths []string
	}{{"paths", m.Paths}, {"excludes", m.Excludes}, {"dataPaths", m.DataPaths}} {
		for _, p := range list.paths {
			if err := checkLocalPath(list.field, p); err != nil {
				return err
			}
		}
	}
	for _, s := range m.Services {
		for _, f := range []struct{ field, value string }{{"service", s.Service}, {"image", s.Image},
			{"imageId", s.ImageID}, {"repoDigest", s.RepoDigest}} {
			if err := checkText("services."+f.field, f.value, maxManifestText); err != nil {
				return err
			}
		}
	}
	return nil
}

// CheckVersion refuses a version no manifest may carry. A backup checks its
// version with it before it writes anything, so that Rewind never makes an
// archive its own import and catalog rebuild would refuse.
func CheckVersion(v string) error {
	if !utf8.ValidString(v) || len(v) > maxManifestVersion {
		return fmt.Errorf("version is not UTF-8 text of at most %d bytes", maxManifestVersion)
	}
	return nil
}

// CheckDescription is CheckVersion for a backup's description.
func CheckDescription(d string) error {
	if !utf8.ValidString(d) || len(d) > maxManifestDescription {
		return fmt.Errorf("description is not UTF-8 text of at most %d bytes", maxManifestDescription)
	}
	return nil
}

// checkText refuses text that is not UTF-8, is longer than max bytes or
// holds control characters.
func checkText(field, s string, max int) error {
	if len(s) > max {
		return fmt.Errorf("%w: %s is %d bytes long, at most %d are allowed", ErrNoManifest, field, len(s), max)
	}
	if !utf8.ValidString(s) || strings.ContainsFunc(s, unicode.IsControl) {
		return fmt.Errorf("%w: %s %q holds control characters or is not UTF-8", ErrNoManifest, field, s)
	}
	return nil
}

// checkLocalPath refuses a path that is not slash-separated, clean and
// inside the deployment root ("." is the root itself). Paths are file names
// (a pre-restore backup's paths are the top-level names it replaced), so
// they follow the extraction policy's name rules: on Linux any bytes but
// NUL, which the manifest's JSON carries faithfully.
func checkLocalPath(field, p string) error {
	if reason := exHostNames.checkText(p); reason != "" {
		return fmt.Errorf("%w: %s entry %q: %s", ErrNoManifest, field, p, reason)
	}
	if p == "" || path.Clean(p) != p || !filepath.IsLocal(filepath.FromSlash(p)) {
		return fmt.Errorf("%w: %s entry %q is not a clean path inside the deployment", ErrNoManifest, field, p)
	}
	return nil
}
