package archive

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestManifestCheck(t *testing.T) {
	valid := func() Manifest {
		return Manifest{FormatVersion: FormatVersion, Deployment: "shop", Project: "shop", Type: "pre-upgrade",
			Version: "1.2.3 \x1b[1m(admin's own text)", CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
			Paths: []string{"."}, Excludes: []string{".rewind", "backups/old"}, DataPaths: []string{"data"},
			Compression: Zstd, Services: []ServiceImage{{Service: "web", Image: "nginx:1.27", ImageID: "sha256:ab"}}}
	}
	if err := valid().Check(); err != nil {
		t.Fatalf("a manifest as Rewind writes it: %v", err)
	}
	// A pre-restore backup's paths are the top-level names the restore
	// replaced: file names, any bytes on Linux, which the manifest carries
	// faithfully and the CLI escapes.
	odd := valid()
	odd.Paths = []string{"r\xe9sum\xe9.pdf", "two\nlines", "\x1b[1mred"}
	if err := odd.Check(); err != nil && !exHostNames.strict {
		t.Fatalf("a pre-restore manifest of odd top-level names: %v", err)
	}
	cases := []struct {
		name string
		edit func(*Manifest)
		want string
	}{
		{"newer format", func(m *Manifest) { m.FormatVersion = FormatVersion + 1 }, "this build reads up to"},
		{"no deployment", func(m *Manifest) { m.Deployment = "" }, "deployment"},
		{"project with upper case", func(m *Manifest) { m.Project = "Shop" }, "project"},
		{"type with a slash", func(m *Manifest) { m.Type = "a/../b" }, "type"},
		{"compression", func(m *Manifest) { m.Compression = "xz" }, "compression"},
		{"year 1", func(m *Manifest) { m.CreatedAt = time.Time{} }, "createdAt"},
		{"negative totals", func(m *Manifest) { m.Totals.Bytes = -1 }, "totals"},
		{"long version", func(m *Manifest) { m.Version = strings.Repeat("9", maxManifestVersion+1) }, "version"},
		{"bad UTF-8 description", func(m *Manifest) { m.Description = "\xff" }, "description"},
		{"path up", func(m *Manifest) { m.Paths = []string{"a/../../b"} }, "paths"},
		{"absolute exclude", func(m *Manifest) { m.Excludes = []string{"/etc"} }, "excludes"},
		{"unclean data path", func(m *Manifest) { m.DataPaths = []string{"data/"} }, "dataPaths"},
		{"empty path", func(m *Manifest) { m.Paths = []string{""} }, "paths"},
		{"nul in a path", func(m *Manifest) { m.Paths = []string{"a\x00b"} }, "paths"},
		{"image with an escape", func(m *Manifest) { m.Services[0].Image = "x\x1b[2J" }, "services.image"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := valid()
			c.edit(&m)
			err := m.Check()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want an error naming %s", err, c.want)
			}
			if !errors.Is(err, ErrNoManifest) && !errors.Is(err, ErrUnsupportedVersion) {
				t.Errorf("%v matches neither ErrNoManifest nor ErrUnsupportedVersion", err)
			}
		})
	}
}
