package archive

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"unicode/utf8"

	"rewind/backend/metadir"
)

// CheckNames applies the extraction policy's name rules (docs/archive-format.md, "What readers refuse") to
// the entries of a plan before anything is written or stopped, so that
// Rewind never completes a backup that its own restore would refuse. dir is
// where a restore would stage the tree (the deployment's .rewind directory):
// names that differ only by case or Unicode normalisation are refused only
// when its filesystem folds them. When dir cannot be probed, names are
// checked as for a filesystem that does not fold (the tree itself holds
// them); the restore probes its staging directory again. The error names the
// path and says what to do.
func CheckNames(entries []Entry, dir string) error {
	names := exHostNames
	if fold, err := probeDirFolding(dir); err == nil {
		names.fold = fold
	}
	return checkNames(entries, names)
}

func checkNames(entries []Entry, names exNames) error {
	t := newExTree(names.fold)
	kinds := map[string]exKind{TypeFile: exFile, TypeDir: exDir, TypeSymlink: exSymlink, TypeHardlink: exHardlink}
	for _, e := range entries {
		clean, reason := names.clean(e.Path)
		if reason == "" && e.Type == TypeSymlink {
			reason = names.checkLinkTarget(e.Link)
		}
		if reason == "" {
			var key string
			_, key, reason = t.admit(clean, kinds[e.Type])
			if reason == "" {
				t.add(clean, key, &exNode{kind: kinds[e.Type]})
			}
		}
		if reason != "" {
			return fmt.Errorf("%w; Rewind could not restore it safely, so rename it or add it to the excludes",
				exUnsafeName(e.Path, reason))
		}
	}
	return nil
}

// Probe names. Staging directories are fresh and empty, and .rewind names
// are never extracted, so the probe cannot meet an archive's file.
const (
	probeLower = ".rewind-probe-a"
	probeUpper = ".REWIND-PROBE-A"
	probeNFC   = ".rewind-probe-\u00e9"
	probeNFD   = ".rewind-probe-e\u0301"
)

// probeFolding reports whether the directory open as root looks names up
// case-insensitively or regardless of Unicode normalisation (a casefold ext4
// or f2fs directory, vfat, exfat, APFS, HFS+, NTFS, SMB shares): it creates a
// file under one spelling, looks for it under another and removes it.
func probeFolding(root *os.Root) (bool, error) {
	folds, err := probeSpelling(root, probeLower, probeUpper)
	if err != nil || folds {
		return folds, err
	}
	folds, err = probeSpelling(root, probeNFC, probeNFD)
	if errors.Is(err, syscall.EILSEQ) || errors.Is(err, syscall.EINVAL) {
		return false, nil // no non-ASCII names at all: extraction fails on the first, clearly
	}
	return folds, err
}

func probeSpelling(root *os.Root, name, other string) (folds bool, err error) {
	f, err := root.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return false, fmt.Errorf("probe file names: %w", err)
	}
	defer func() {
		err = errors.Join(err, f.Close(), root.Remove(name))
	}()
	_, err = root.Lstat(other)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("probe file names: %w", err)
	}
	return true, nil
}

// probeDirFolding probes a fresh directory made in dir, as a restore's
// staging directory would be, and removes it. dir (a project's .rewind) is
// never followed when it is a symbolic link: nothing is made beyond it.
func probeDirFolding(dir string) (bool, error) {
	if err := metadir.CheckOwnDir(dir); err != nil {
		return false, err
	}
	tmp, err := os.MkdirTemp(dir, ".rewind-probe-*")
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp)
	root, err := os.OpenRoot(tmp)
	if err != nil {
		return false, err
	}
	defer root.Close()
	return probeFolding(root)
}

// EscapeName returns a path in a form that is valid UTF-8 and safe to show:
// a name of printable characters without a backslash is returned as it is;
// any other is spelled as in a Go string literal (\n, \x1b, \xff, \\), so
// that no name can inject terminal escapes or hide as another. UnescapeName
// reverses it exactly: only escaped forms hold a backslash.
func EscapeName(p string) string {
	if nameIsPlain(p) {
		return p
	}
	q := strconv.Quote(p)
	return q[1 : len(q)-1]
}

// UnescapeName returns the path EscapeName spelled as s.
func UnescapeName(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	p, err := strconv.Unquote(`"` + s + `"`)
	if err != nil || EscapeName(p) != s {
		return "", fmt.Errorf("%q is not an escaped file name", s)
	}
	return p, nil
}

func nameIsPlain(p string) bool {
	for i := 0; i < len(p); {
		c := p[i]
		if c < utf8.RuneSelf {
			if c == '\\' || c < ' ' || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(p[i:])
		if r == utf8.RuneError && n == 1 || !strconv.IsPrint(r) {
			return false
		}
		i += n
	}
	return true
}

// NameToJSON returns how JSON carries a file name faithfully. A JSON string
// holds only valid UTF-8 (encoding/json replaces other bytes with U+FFFD):
// text is the name itself when it is valid UTF-8, and b64 is empty;
// otherwise text is the lossy, readable form and b64 the name's bytes in
// base64, for a field beside it.
func NameToJSON(name string) (text, b64 string) {
	if utf8.ValidString(name) {
		return name, ""
	}
	return lossyUTF8(name), base64.StdEncoding.EncodeToString([]byte(name))
}

// NameFromJSON reverses NameToJSON. A base64 form must be the only spelling
// of its name: bytes that are not UTF-8, whose lossy form is text.
func NameFromJSON(text, b64 string) (string, error) {
	if b64 == "" {
		return text, nil
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	switch {
	case err != nil:
		return "", fmt.Errorf("base64 form: %w", err)
	case utf8.Valid(raw):
		return "", fmt.Errorf("base64 form %q holds valid utf-8, which belongs in the plain field", b64)
	case lossyUTF8(string(raw)) != text:
		return "", fmt.Errorf("%q does not match its base64 form", text)
	}
	return string(raw), nil
}

// NamesToJSON is NameToJSON for a list: b64 is nil when every name is
// valid UTF-8, else aligned with text (empty for the valid ones). names is
// not changed.
func NamesToJSON(names []string) (text, b64 []string) {
	text = names
	for i, n := range names {
		if utf8.ValidString(n) {
			continue
		}
		if b64 == nil {
			text, b64 = slices.Clone(names), make([]string, len(names))
		}
		text[i], b64[i] = NameToJSON(n)
	}
	return text, b64
}

// NamesFromJSON reverses NamesToJSON.
func NamesFromJSON(text, b64 []string) ([]string, error) {
	if b64 == nil {
		return text, nil
	}
	if len(b64) != len(text) {
		return nil, fmt.Errorf("%d base64 forms for %d names", len(b64), len(text))
	}
	out := make([]string, len(text))
	for i := range text {
		n, err := NameFromJSON(text[i], b64[i])
		if err != nil {
			return nil, err
		}
		out[i] = n
	}
	return out, nil
}

// lossyUTF8 replaces each byte that is not valid UTF-8 with U+FFFD, as
// encoding/json does.
func lossyUTF8(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}
