package cli

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// A file name is any bytes: one with a terminal escape, a newline or bytes
// that are not UTF-8 is backed up, and wherever the CLI shows it (listing,
// warnings) it is escaped, so a name cannot recolour or rewrite the terminal.
// The JSON document carries the exact bytes.
func TestOddNamesAreEscapedOnTheTerminal(t *testing.T) {
	state, proj := t.TempDir(), project(t)
	names := []string{"\x1b[2J\x1b[31mred", "two\nlines", "latin1-\xe9t\xe9", "../\x1b[1mtop-level"}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(proj, "data", n), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A socket is skipped with a warning that names it.
	l, err := net.Listen("unix", filepath.Join(proj, "data", "sock\x1b]0;pwned\x07"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ok(t, state, "init", "--project", proj)
	r := ok(t, state, "--project", proj, "backup", "create")
	show := ok(t, state, "--project", proj, "backup", "show", "1")
	plan := ok(t, state, "--project", proj, "backup", "restore", "1", "--dry-run")
	for what, out := range map[string]string{"create stderr": r.stderr, "show stdout": show.stdout, "restore plan": plan.stdout} {
		if strings.ContainsAny(out, "\x1b\x07") || !utf8.ValidString(out) {
			t.Errorf("%s holds raw control or non-UTF-8 bytes: %q", what, out)
		}
	}
	if !strings.Contains(r.stderr, `sock\x1b]0;pwned\a`) {
		t.Errorf("the warning does not name the socket escaped: %q", r.stderr)
	}
	for _, want := range []string{`data/\x1b[2J\x1b[31mred`, `data/two\nlines`, `data/latin1-\xe9t\xe9`} {
		if !strings.Contains(show.stdout, want) {
			t.Errorf("backup show does not list %s: %q", want, show.stdout)
		}
	}
	if !strings.Contains(plan.stdout, `\x1b[1mtop-level`) {
		t.Errorf("the restore plan does not name the top-level entry escaped: %q", plan.stdout)
	}
	type entry struct {
		Path       string `json:"path"`
		PathBase64 string `json:"pathBase64"`
	}
	det := decode[struct{ Entries []entry }](t, ok(t, state, "--json", "--project", proj, "backup", "show", "1").stdout)
	found := 0
	for _, e := range det.Entries {
		if e.PathBase64 == "bGF0aW4xLekt6Q==" || e.PathBase64 == "ZGF0YS9sYXRpbjEt6XTp" {
			found++
		}
	}
	if found != 1 {
		t.Errorf("JSON entries do not carry the non-UTF-8 name's bytes: %+v", det.Entries)
	}
}
