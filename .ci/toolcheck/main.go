// Command toolcheck keeps .ci/tools, the list of commands the scripts and
// tests run and the Debian package of each, true to the code:
//
//	toolcheck declared            every command that a script under .ci/ or a Go
//	                              file runs by name is listed in .ci/tools
//	toolcheck installed SET...    every command listed for these sets is on PATH
//
// .ci/setup installs the packages of the listed sets, so a script that starts
// using a new tool fails `declared` until the tool is listed (and therefore
// installed), and a package that does not provide its command fails
// `installed` right after setup, on a fresh machine, with the package named.
// Run from the repository root: (cd .ci/toolcheck && go run . -root ../.. declared).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// tool is one line of .ci/tools.
type tool struct {
	command, pkg, set string
}

func main() {
	root := flag.String("root", ".", "the repository root")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: toolcheck [-root DIR] declared | installed SET...")
	}
	flag.Parse()
	args := flag.Args()
	if len(args) == 0 {
		flag.Usage()
		os.Exit(2)
	}
	tools, err := readTools(filepath.Join(*root, ".ci", "tools"))
	if err != nil {
		fail(err)
	}
	switch args[0] {
	case "declared":
		err = declared(*root, tools)
	case "installed":
		if len(args) < 2 {
			flag.Usage()
			os.Exit(2)
		}
		err = installed(tools, args[1:])
	default:
		flag.Usage()
		os.Exit(2)
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "toolcheck: %v\n", err)
	os.Exit(1)
}

func readTools(path string) ([]tool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []tool
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if len(fields) != 3 {
			return nil, fmt.Errorf("%s:%d: want COMMAND PACKAGE SET, got %q", path, n, sc.Text())
		}
		out = append(out, tool{fields[0], fields[1], fields[2]})
	}
	return out, sc.Err()
}

// use is one place where a command is run by name.
type use struct {
	command, where string
}

func declared(root string, tools []tool) error {
	known := map[string]bool{}
	for _, t := range tools {
		known[t.command] = true
	}
	var uses []use
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			if d.Name() == "node_modules" || d.Name() == ".git" || rel == filepath.Join("build", "bin") {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		switch {
		case strings.HasSuffix(p, ".go"):
			u, err := goUses(p, rel)
			if err != nil {
				return err
			}
			uses = append(uses, u...)
		case strings.HasPrefix(rel, ".ci"+string(filepath.Separator)) && isShellScript(p):
			u, err := shellUses(p, rel)
			if err != nil {
				return err
			}
			uses = append(uses, u...)
		}
		return nil
	})
	if err != nil {
		return err
	}
	first := map[string]string{}
	for _, u := range uses {
		if _, seen := first[u.command]; !seen && !known[u.command] {
			first[u.command] = u.where
		}
	}
	var missing []string
	for c, where := range first {
		missing = append(missing, fmt.Sprintf("  %s (run in %s)", c, where))
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		return fmt.Errorf("commands run by the scripts or tests but not listed in .ci/tools (add each with its Debian package, so that .ci/setup installs it):\n%s", strings.Join(missing, "\n"))
	}
	fmt.Printf("toolcheck: %d places run %d listed commands\n", len(uses), len(known))
	return nil
}

func installed(tools []tool, sets []string) error {
	var missing []string
	n := 0
	for _, t := range tools {
		if !slices.Contains(sets, t.set) {
			continue
		}
		n++
		if _, err := exec.LookPath(t.command); err != nil {
			missing = append(missing, fmt.Sprintf("  %s (package %s)", t.command, t.pkg))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("commands listed in .ci/tools for %s are not on PATH after setup:\n%s", strings.Join(sets, ", "), strings.Join(missing, "\n"))
	}
	fmt.Printf("toolcheck: all %d commands of %s are installed\n", n, strings.Join(sets, ", "))
	return nil
}

func isShellScript(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	line, _ := bufio.NewReader(f).ReadString('\n')
	return strings.HasPrefix(line, "#!") && (strings.Contains(line, "sh\n") || strings.Contains(line, "bash"))
}
