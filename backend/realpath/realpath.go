// Package realpath resolves locations to the paths they really name, so that
// two locations can be compared: comparisons of locations use fully resolved
// paths on both sides (docs/safety.md, "Locations").
package realpath

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// Resolve returns the absolute path p names with every symbolic link
// resolved. A location that does not exist yet is resolved through its
// nearest existing ancestor, with the missing components appended, as
// `realpath -m` does.
func Resolve(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	var missing []string
	for cur := abs; ; {
		real, err := filepath.EvalSymlinks(cur)
		if err == nil {
			for i := len(missing) - 1; i >= 0; i-- {
				real = filepath.Join(real, missing[i])
			}
			return real, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return abs, nil
		}
		missing = append(missing, filepath.Base(cur))
		cur = parent
	}
}

// Within reports whether p is root or lies below it. Both are resolved first.
func Within(root, p string) (bool, error) {
	r, err := Resolve(root)
	if err != nil {
		return false, err
	}
	q, err := Resolve(p)
	if err != nil {
		return false, err
	}
	rel, err := filepath.Rel(r, q)
	if err != nil {
		return false, nil
	}
	return rel == "." || filepath.IsLocal(rel), nil
}

// Same reports whether a and b name the same existing directory or file
// (by device and inode), however they are spelled.
func Same(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	if err != nil {
		return false
	}
	return os.SameFile(fa, fb)
}
