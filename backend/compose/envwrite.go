package compose

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ErrEnvValue: a key or value that SetEnvValue cannot write safely.
var ErrEnvValue = errors.New("invalid .env key or value")

// SetEnvValue sets key to value in the .env file at path, changing only that
// key's assignment(s): every other line, comment, the line's export prefix,
// spacing, quoting style and inline comment stay as they were. An absent key
// is appended; an absent file is created (mode 0644). The file is replaced
// atomically (temporary file in the same directory, fsync, rename, fsync of
// the directory) and keeps its mode and, where permitted, its owner. A
// symlinked .env is written through to its target.
func SetEnvValue(path, key, value string) error {
	if !validKey(key) {
		return fmt.Errorf("%w: key %q", ErrEnvValue, key)
	}
	if strings.ContainsAny(value, "\n\r\x00") {
		return fmt.Errorf("%w: value of %s contains a line break or NUL", ErrEnvValue, key)
	}
	target := path
	if real, err := filepath.EvalSymlinks(path); err == nil {
		target = real
	}
	content, err := os.ReadFile(target)
	var mode fs.FileMode = 0o644
	var owner *fileOwner
	switch {
	case errors.Is(err, fs.ErrNotExist):
		content = nil
	case err != nil:
		return err
	default:
		st, err := os.Stat(target)
		if err != nil {
			return err
		}
		mode = st.Mode().Perm()
		owner = ownerOf(st)
	}
	entries, err := parseEnv(content)
	if err != nil {
		return fmt.Errorf("%s: %w", target, err)
	}
	updated := rewriteEnv(content, entries, key, value)
	if content != nil && slices.Equal(updated, content) {
		return nil
	}
	return replaceFile(target, updated, mode, owner)
}

// rewriteEnv returns content with key's values replaced, or the assignment
// appended when key is absent.
func rewriteEnv(content []byte, entries []envEntry, key, value string) []byte {
	out := slices.Clone(content)
	found := false
	for i := len(entries) - 1; i >= 0; i-- { // from the back: offsets stay valid
		e := entries[i]
		if e.key != key {
			continue
		}
		found = true
		out = slices.Concat(out[:e.valStart], []byte(encodeEnvValue(value, e.quote)), out[e.valEnd:])
	}
	if found {
		return out
	}
	nl := "\n"
	if strings.Contains(string(content), "\r\n") {
		nl = "\r\n"
	}
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, nl...)
	}
	return append(out, key+"="+encodeEnvValue(value, 0)+nl...)
}

// encodeEnvValue writes value in the quoting style of the line it replaces
// when that style can hold it, else in the plainest style that reads back
// as value.
func encodeEnvValue(value string, quote byte) string {
	plain := value == "" || !strings.ContainsAny(value, " \t#'\"$\\`") && strings.TrimSpace(value) == value
	switch {
	case quote == '"':
		r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`)
		return `"` + r.Replace(value) + `"`
	case quote == '\'' && !strings.Contains(value, "'"):
		return "'" + value + "'"
	case quote == 0 && plain:
		return value
	case !strings.Contains(value, "'"):
		return "'" + value + "'"
	}
	return encodeEnvValue(value, '"')
}

// replaceFile atomically replaces path with data.
func replaceFile(path string, data []byte, mode fs.FileMode, owner *fileOwner) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = tmp.Chmod(mode); err != nil {
		return err
	}
	if owner != nil {
		// best effort: only root may give a file away
		if cerr := tmp.Chown(owner.uid, owner.gid); cerr != nil && !errors.Is(cerr, fs.ErrPermission) {
			return cerr
		}
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
