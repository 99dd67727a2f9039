package archive

import "fmt"

// CheckNames applies the extraction policy's name rules (RELIABILITY §4) to
// the entries of a plan before anything is written, so that Rewind never
// completes a backup that its own restore would refuse: names with control
// characters or backslashes, names that collide by case or Unicode
// normalisation, over-long or over-deep paths. The error names the path and
// says what to do.
func CheckNames(entries []Entry) error {
	t := newExTree()
	kinds := map[string]exKind{TypeFile: exFile, TypeDir: exDir, TypeSymlink: exSymlink, TypeHardlink: exHardlink}
	for _, e := range entries {
		clean, reason := exCleanName(e.Path)
		if reason == "" && e.Type == TypeSymlink {
			reason = exCheckLinkTarget(e.Link)
		}
		if reason == "" {
			var key string
			_, key, reason = t.admit(clean, kinds[e.Type])
			if reason == "" {
				t.add(clean, key, &exNode{kind: kinds[e.Type]})
			}
		}
		if reason != "" {
			return fmt.Errorf("%w: %q: %s; Rewind could not restore it safely, so rename it or add it to the excludes", ErrUnsafeEntry, e.Path, reason)
		}
	}
	return nil
}
