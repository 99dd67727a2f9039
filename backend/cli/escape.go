package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// escape makes s safe to print on a terminal: names, versions, paths and
// messages come from the catalog, archives and the file system, and a
// control character in them (an escape sequence, a carriage return, a
// bidirectional override) must reach the admin as text, never act. Newlines
// stay; every other rune that is not printable is spelled as in a Go string
// literal, and so is every byte that is not UTF-8.
func escape(s string) string {
	if utf8.ValidString(s) && !strings.ContainsFunc(s, needsEscape) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case needsEscape(r):
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func needsEscape(r rune) bool { return r != '\n' && r != ' ' && !strconv.IsPrint(r) }

// escaper is a Writer that escapes what it is given (see escape). The
// commands' human output goes through one, so no field can slip past.
type escaper struct{ w io.Writer }

func (e escaper) Write(p []byte) (int, error) {
	if _, err := io.WriteString(e.w, escape(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
