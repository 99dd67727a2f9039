package compose

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"rewind/backend/durable"
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
	content, err := durable.ReadRegular(target) // never blocks on a named pipe
	switch {
	case errors.Is(err, fs.ErrNotExist):
		content = nil
	case err != nil:
		return err
	}
	entries, err := parseEnv(content)
	if err != nil {
		return fmt.Errorf("%s: %w", target, err)
	}
	updated := rewriteEnv(content, entries, key, value)
	if content != nil && slices.Equal(updated, content) {
		return nil
	}
	return durable.WriteFile(target, updated, 0o644)
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
