package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// builtins are the shell's own words: never a tool to install.
var builtins = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`: . [ alias bg bind break builtin caller cd command
		compgen complete continue declare dirs disown echo enable eval exec exit export
		false fc fg getopts hash help history jobs kill let local logout mapfile popd
		printf pushd pwd read readarray readonly return set shift shopt source suspend
		test times trap true type typeset ulimit umask unalias unset wait`) {
		builtins[w] = true
	}
}

// wrappers run the command named by a later word; the value is the options
// that take an argument.
var wrappers = map[string]string{
	"exec": "a", "command": "", "nohup": "", "setsid": "", "sudo": "u",
	"env": "u", "timeout": "sk", "xvfb-run": "efnpsw", "time": "",
}

// shellUses lists the commands a shell script runs by name, wrapped ones
// and those probed with `command -v` included; the script's own functions,
// builtins, variables and paths are not tools.
func shellUses(path, rel string) ([]use, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	file, err := syntax.NewParser(syntax.Variant(syntax.LangBash)).Parse(f, rel)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", rel, err)
	}
	funcs := map[string]bool{}
	syntax.Walk(file, func(n syntax.Node) bool {
		if fd, ok := n.(*syntax.FuncDecl); ok {
			funcs[fd.Name.Value] = true
		}
		return true
	})
	var out []use
	add := func(name string, pos syntax.Pos) {
		if name == "" || builtins[name] || funcs[name] || strings.ContainsAny(name, "/=$") {
			return
		}
		out = append(out, use{name, fmt.Sprintf("%s:%d", rel, pos.Line())})
	}
	syntax.Walk(file, func(n syntax.Node) bool {
		call, ok := n.(*syntax.CallExpr)
		if !ok || len(call.Args) == 0 {
			return true
		}
		words := call.Args
		for len(words) > 0 && isParam(words[0]) {
			words = words[1:] // $SUDO apt-get …: the variable wraps the command
		}
		for len(words) > 0 {
			name := words[0].Lit()
			opts, wrapped := wrappers[name]
			if !wrapped {
				add(name, words[0].Pos())
				break
			}
			if name != "exec" && name != "command" {
				add(name, words[0].Pos())
			}
			words = words[1:]
			probe := false
			for len(words) > 0 {
				w := words[0].Lit()
				switch {
				case name == "command" && (w == "-v" || w == "-V"):
					probe = true
				case strings.HasPrefix(w, "-") && len(w) == 2 && strings.Contains(opts, w[1:]):
					words = words[1:] // the option's argument
				case strings.HasPrefix(w, "-"):
				case name == "env" && strings.Contains(w, "="):
				case name == "timeout" && w != "" && strings.Trim(w, "0123456789.smhd") == "":
				default:
					goto next
				}
				if len(words) > 0 {
					words = words[1:]
				}
			}
		next:
			if probe {
				for _, w := range words {
					add(w.Lit(), w.Pos())
				}
				break
			}
		}
		return true
	})
	return out, nil
}

// goUses lists the commands Go code runs by a literal name:
// exec.Command("x", …), exec.CommandContext(ctx, "x", …), exec.LookPath("x").
func goUses(path, rel string) ([]use, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", rel, err)
	}
	var out []use
	ast.Inspect(file, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok {
			return true
		}
		if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "exec" {
			return true
		}
		arg := map[string]int{"Command": 0, "LookPath": 0, "CommandContext": 1}
		i, ok := arg[sel.Sel.Name]
		if !ok || len(call.Args) <= i {
			return true
		}
		lit, ok := call.Args[i].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		name, err := strconv.Unquote(lit.Value)
		if err != nil || strings.Contains(name, "/") {
			return true
		}
		out = append(out, use{name, fmt.Sprintf("%s:%d", rel, fset.Position(lit.Pos()).Line)})
		return true
	})
	return out, nil
}

// isParam reports whether a word is a lone parameter expansion ($SUDO).
func isParam(w *syntax.Word) bool {
	if len(w.Parts) != 1 {
		return false
	}
	_, ok := w.Parts[0].(*syntax.ParamExp)
	return ok
}
