package compose

import (
	"errors"
	"fmt"
	"strings"
)

// ErrRequiredVariable: a ${VAR:?message} or ${VAR?message} variable is missing.
var ErrRequiredVariable = errors.New("required variable is missing a value")

// Interpolate expands variables as Compose does: $$ is a literal $;
// $VAR and ${VAR}; ${VAR:-default} (unset or empty) and ${VAR-default}
// (unset); ${VAR:+alt} and ${VAR+alt}; ${VAR:?msg} and ${VAR?msg} fail.
// Defaults may themselves contain variables. Unset variables without a
// default expand to "".
func Interpolate(s string, lookup func(string) (string, bool)) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		if c != '$' || i+1 >= len(s) {
			b.WriteByte(c)
			i++
			continue
		}
		switch next := s[i+1]; {
		case next == '$':
			b.WriteByte('$')
			i += 2
		case next == '{':
			end := closingBrace(s, i+2)
			if end < 0 {
				return "", fmt.Errorf("invalid interpolation %q: missing }", s[i:])
			}
			v, err := expandBraced(s[i+2:end], lookup)
			if err != nil {
				return "", err
			}
			b.WriteString(v)
			i = end + 1
		case isNameStart(next):
			j := i + 2
			for j < len(s) && isNameChar(s[j]) {
				j++
			}
			v, _ := lookup(s[i+1 : j])
			b.WriteString(v)
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), nil
}

// closingBrace finds the } matching an opening brace before from, skipping nested ${…}.
func closingBrace(s string, from int) int {
	depth := 0
	for i := from; i < len(s); i++ {
		switch {
		case s[i] == '$' && i+1 < len(s) && s[i+1] == '{':
			depth++
			i++
		case s[i] == '}':
			if depth == 0 {
				return i
			}
			depth--
		}
	}
	return -1
}

// expandBraced expands the inside of ${…}.
func expandBraced(expr string, lookup func(string) (string, bool)) (string, error) {
	n := 0
	for n < len(expr) && isNameChar(expr[n]) {
		n++
	}
	name, rest := expr[:n], expr[n:]
	if name == "" || !isNameStart(name[0]) {
		return "", fmt.Errorf("invalid interpolation ${%s}", expr)
	}
	val, set := lookup(name)
	if rest == "" {
		return val, nil
	}
	op := rest[:1]
	arg := rest[1:]
	if op == ":" && len(rest) >= 2 {
		op, arg = rest[:2], rest[2:]
	}
	switch op {
	case ":-":
		if set && val != "" {
			return val, nil
		}
		return Interpolate(arg, lookup)
	case "-":
		if set {
			return val, nil
		}
		return Interpolate(arg, lookup)
	case ":+":
		if set && val != "" {
			return Interpolate(arg, lookup)
		}
		return "", nil
	case "+":
		if set {
			return Interpolate(arg, lookup)
		}
		return "", nil
	case ":?", "?":
		if set && (op == "?" || val != "") {
			return val, nil
		}
		msg, err := Interpolate(arg, lookup)
		if err != nil {
			return "", err
		}
		return "", fmt.Errorf("%w: %s: %s", ErrRequiredVariable, name, msg)
	}
	return "", fmt.Errorf("invalid interpolation ${%s}", expr)
}

func isNameStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isNameChar(c byte) bool { return isNameStart(c) || c >= '0' && c <= '9' }

// mapLookup looks names up in m.
func mapLookup(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := m[k]
		return v, ok
	}
}
