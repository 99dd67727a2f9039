package archive

import (
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
)

// Exclude patterns are slash paths relative to the archived root. Each
// component is matched with path.Match ('*', '?', '[...]', '\' escapes) and
// "**" matches any number of components, none included. A pattern excludes
// every path it matches and everything below it. Patterns are anchored at the
// root: "*.log" excludes the .log files at the top, "**/*.log" every one.

// IsPattern reports whether an exclude holds glob metacharacters rather than
// naming one path.
func IsPattern(exclude string) bool { return strings.ContainsAny(exclude, `*?[\`) }

// CheckPattern reports why an exclude is unusable, or nil.
func CheckPattern(exclude string) error {
	c := path.Clean(strings.TrimSuffix(exclude, "/"))
	if c == "." || !fs.ValidPath(c) {
		return fmt.Errorf("invalid exclude %q: want a slash path inside the root", exclude)
	}
	allAny := true
	for _, part := range strings.Split(c, "/") {
		if _, err := path.Match(part, ""); err != nil {
			return fmt.Errorf("invalid exclude %q: %w", exclude, err)
		}
		allAny = allAny && part == "**"
	}
	if allAny {
		return fmt.Errorf("invalid exclude %q: it would exclude everything", exclude)
	}
	return nil
}

// splitPatterns splits each exclude pattern into its components.
func splitPatterns(excludes []string) [][]string {
	pats := make([][]string, len(excludes))
	for i, e := range excludes {
		pats[i] = strings.Split(e, "/")
	}
	return pats
}

// matchAny reports whether one of the split patterns matches the path
// components name itself (not its ancestors).
func matchAny(pats [][]string, name []string) bool {
	for _, pat := range pats {
		if matchParts(pat, name) {
			return true
		}
	}
	return false
}

func matchParts(pat, name []string) bool {
	if len(pat) == 0 {
		return len(name) == 0
	}
	if pat[0] == "**" {
		for i := 0; i <= len(name); i++ {
			if matchParts(pat[1:], name[i:]) {
				return true
			}
		}
		return false
	}
	if len(name) == 0 {
		return false
	}
	ok, err := path.Match(pat[0], name[0])
	return ok && err == nil && matchParts(pat[1:], name[1:])
}

// MatchTree walks root without following symlinks (and without entering
// .rewind) and returns the top-most paths that the patterns exclude.
func MatchTree(root string, patterns []string) ([]string, error) {
	var out []string
	pats := splitPatterns(patterns)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		switch {
		case rel == MetaDir:
			return fs.SkipDir
		case matchAny(pats, strings.Split(rel, "/")): // its ancestors matched none
			out = append(out, rel)
			if d.IsDir() {
				return fs.SkipDir
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Excluded reports whether the slash path rel, or one of its ancestors,
// matches one of the exclude patterns.
func Excluded(excludes []string, rel string) bool {
	pats := splitPatterns(excludes)
	name := strings.Split(rel, "/")
	for k := 1; k <= len(name); k++ {
		if matchAny(pats, name[:k]) {
			return true
		}
	}
	return false
}
