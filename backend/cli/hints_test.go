package cli

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every hint is for a code the one error table can produce.
func TestHintsAreForKnownCodes(t *testing.T) {
	table, err := os.ReadFile(filepath.Join("..", "view", "errors.go"))
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, m := range regexp.MustCompile(`\{[\w.]+,\s*"([a-z_]+)"\}`).FindAllStringSubmatch(string(table), -1) {
		known[m[1]] = true
	}
	for code := range hints {
		if !known[code] {
			t.Errorf("hint for %q, which backend/view's table never produces", code)
		}
	}
	if got := withHint("not enough free space", "no_space"); !strings.Contains(got, "`rewind storage move DIR`") {
		t.Errorf("withHint = %q", got)
	}
	if got := withHint("the archive is corrupt", "archive_corrupt"); got != "the archive is corrupt" {
		t.Errorf("withHint without a hint = %q", got)
	}
}

// Messages of the backend below the command line never name a command:
// the desktop app shows them too. Hints by code are the edges' business.
func TestDomainMessagesNameNoCommand(t *testing.T) {
	command := regexp.MustCompile("`rewind [a-z]")
	root := ".."
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "cli" {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING && command.MatchString(lit.Value) {
				t.Errorf("%s: a message names a command: %s", path, lit.Value)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
