package compose

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/compose-spec/compose-go/v2/template"

	"rewind/backend/durable"
)

// ErrEnvSyntax: a .env file cannot be parsed.
var ErrEnvSyntax = errors.New("invalid .env syntax")

// envEntry is one KEY=VALUE assignment of a .env file.
type envEntry struct {
	key      string
	value    string // decoded and expanded
	valStart int    // raw value, quotes included, is content[valStart:valEnd]
	valEnd   int
	quote    byte // 0, '\'' or '"'
}

// ReadEnv reads a .env file as Compose does: KEY=VALUE lines, an optional
// "export " prefix, # comments (inline only after whitespace in unquoted
// values), 'literal' and "escaped" values (which may span lines), and
// ${VAR} expansion from earlier keys (not in single quotes). A later
// assignment wins. A leading UTF-8 byte-order mark is skipped, as Compose
// skips it. A missing file yields an error matching fs.ErrNotExist; a named
// pipe or device is refused (durable.ErrNotRegular) rather than read, since
// opening one can block forever.
func ReadEnv(path string) (map[string]string, error) {
	content, err := durable.ReadRegular(path)
	if err != nil {
		return nil, err
	}
	entries, err := parseEnv(content)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	out := make(map[string]string, len(entries))
	for _, e := range entries {
		out[e.key] = e.value
	}
	return out, nil
}

func parseEnv(s []byte) ([]envEntry, error) {
	var entries []envEntry
	vars := map[string]string{}
	line := 0
	pos := 0
	if bytes.HasPrefix(s, utf8BOM) {
		pos = len(utf8BOM) // offsets stay those of the file: a rewrite keeps the mark
	}
	for pos < len(s) {
		line++
		end := lineEnd(s, pos)
		text := string(s[pos:end])
		body := strings.TrimLeft(text, " \t")
		off := pos + len(text) - len(body)
		if body == "" || body == "\r" || body[0] == '#' {
			pos = end + 1
			continue
		}
		if rest, ok := strings.CutPrefix(body, "export"); ok && rest != "" && (rest[0] == ' ' || rest[0] == '\t') {
			trimmed := strings.TrimLeft(rest, " \t")
			off += len(body) - len(trimmed)
			body = trimmed
		}
		eq := strings.IndexByte(body, '=')
		if eq < 0 {
			// a bare name (Compose takes it from the shell); nothing to read here
			if key := strings.TrimRight(body, " \t\r"); !validKey(key) {
				return nil, fmt.Errorf("%w: line %d: %q", ErrEnvSyntax, line, key)
			}
			pos = end + 1
			continue
		}
		key := strings.TrimRight(body[:eq], " \t")
		if !validKey(key) {
			return nil, fmt.Errorf("%w: line %d: invalid key %q", ErrEnvSyntax, line, key)
		}
		v := off + eq + 1
		for v < end && (s[v] == ' ' || s[v] == '\t') {
			v++
		}
		e := envEntry{key: key, valStart: v}
		var err error
		switch {
		case v < len(s) && s[v] == '\'':
			close := bytes.IndexByte(s[v+1:], '\'')
			if close < 0 {
				return nil, fmt.Errorf("%w: line %d: unterminated single quote", ErrEnvSyntax, line)
			}
			e.quote, e.valEnd = '\'', v+1+close+1
			e.value = string(s[v+1 : e.valEnd-1])
		case v < len(s) && s[v] == '"':
			raw, n, ok := scanDoubleQuoted(s[v+1:])
			if !ok {
				return nil, fmt.Errorf("%w: line %d: unterminated double quote", ErrEnvSyntax, line)
			}
			e.quote, e.valEnd = '"', v+1+n
			e.value, err = template.Substitute(raw, mapLookup(vars))
		default:
			rawEnd := unquotedEnd(s, v, end)
			e.valEnd = rawEnd
			e.value, err = template.Substitute(string(s[v:rawEnd]), mapLookup(vars))
		}
		if err != nil {
			return nil, fmt.Errorf("%w: line %d: %w", ErrEnvSyntax, line, err)
		}
		line += bytes.Count(s[pos:e.valEnd], []byte{'\n'})
		vars[key] = e.value
		entries = append(entries, e)
		pos = lineEnd(s, e.valEnd) + 1
	}
	return entries, nil
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func lineEnd(s []byte, from int) int {
	if i := bytes.IndexByte(s[from:], '\n'); i >= 0 {
		return from + i
	}
	return len(s)
}

// unquotedEnd is where an unquoted value starting at v ends: before an
// inline comment (# after whitespace) and trailing whitespace.
func unquotedEnd(s []byte, v, end int) int {
	stop := end
	for i := v; i < end; i++ {
		if s[i] == '#' && i > v && (s[i-1] == ' ' || s[i-1] == '\t') {
			stop = i
			break
		}
	}
	for stop > v && (s[stop-1] == ' ' || s[stop-1] == '\t' || s[stop-1] == '\r') {
		stop--
	}
	return stop
}

// scanDoubleQuoted decodes a "…" value (s starts after the opening quote).
// It returns the value ready for interpolation (an escaped \$ becomes $$),
// the bytes consumed including the closing quote, and whether it closed.
func scanDoubleQuoted(s []byte) (string, int, bool) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return b.String(), i + 1, true
		case '\\':
			if i+1 >= len(s) {
				b.WriteByte(c)
				continue
			}
			i++
			switch s[i] {
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case '\\', '"':
				b.WriteByte(s[i])
			case '$':
				b.WriteString("$$")
			default:
				b.WriteByte('\\')
				b.WriteByte(s[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, false
}

// validKey accepts the names Compose accepts in .env files.
func validKey(k string) bool {
	if k == "" || !isNameStart(k[0]) {
		return false
	}
	for i := 1; i < len(k); i++ {
		if !isNameChar(k[i]) && k[i] != '.' && k[i] != '-' {
			return false
		}
	}
	return true
}

// mapLookup looks names up in m.
func mapLookup(m map[string]string) template.Mapping {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}

func isNameStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isNameChar(c byte) bool { return isNameStart(c) || c >= '0' && c <= '9' }
