package archive

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestExcludedMatchesGlobs(t *testing.T) {
	for _, tc := range []struct {
		pattern, path string
		want          bool
	}{
		{"data/cache", "data/cache", true},
		{"data/cache", "data/cache/x", true},
		{"data/cache", "data/cachex", false},
		{"*.log", "app.log", true},
		{"*.log", "logs/app.log", false},
		{"**/*.log", "app.log", true},
		{"**/*.log", "data/a/b/app.log", true},
		{"**/*.log", "data/app.log.1", false},
		{"data/**/tmp", "data/tmp/x", true},
		{"data/**/tmp", "data/a/b/tmp", true},
		{"data/**/tmp", "app/tmp", false},
		{"data/*/cache", "data/web/cache/f", true},
		{"data/*/cache", "data/web/x/cache", false},
		{`a\*`, "a*", true},
		{`a\*`, "ab", false},
	} {
		if got := Excluded([]string{tc.pattern}, tc.path); got != tc.want {
			t.Errorf("Excluded(%q, %q) = %v, want %v", tc.pattern, tc.path, got, tc.want)
		}
	}
}

// A glob exclude leaves the files it matches out of the scan.
func TestScanExcludesGlobs(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"app.log", "keep.txt", "data/db.sqlite", "data/web/access.log", "data/tmp/x"} {
		p := filepath.Join(root, filepath.FromSlash(f))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	plan, err := Scan(context.Background(), root, []string{"**/*.log", "data/t*"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range plan.Entries {
		got = append(got, e.Path)
	}
	if want := []string{"data", "data/db.sqlite", "data/web", "keep.txt"}; !slices.Equal(got, want) {
		t.Errorf("archived %q, want %q", got, want)
	}
	m, err := MatchTree(root, []string{"**/*.log", "data/t*"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"app.log", "data/tmp", "data/web/access.log"}; !slices.Equal(m, want) {
		t.Errorf("MatchTree %q, want %q", m, want)
	}
}
