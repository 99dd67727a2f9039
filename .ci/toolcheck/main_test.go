package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// repo writes a small repository: .ci/tools and the given files.
func repo(t *testing.T, tools string, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	files[".ci/tools"] = tools
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// The defect this guards against: .ci/e2e ran curl, which .ci/setup never
// installed, so make test failed on a minimal Debian root.
func TestDeclaredFindsAnUnlistedTool(t *testing.T) {
	script := `#!/usr/bin/env bash
set -eu
say() { echo "$*"; }
for tool in Xvfb node; do command -v "$tool" >/dev/null || exit 1; done
command -v chromium >/dev/null
SUDO=""
$SUDO apt-get install -y x
exec timeout 5 setsid xvfb-run -a -s "-screen 0 1x1x24" node run.js
until curl -sf http://localhost:1/; do sleep 0.25; done
say done
`
	gofile := "package x\nimport \"os/exec\"\nfunc f() { exec.Command(\"chattr\", \"+i\").Run(); exec.CommandContext(nil, \"mount\").Run() }\n"
	listed := "bash bash base\nsleep coreutils base\napt-get apt base\ntimeout coreutils base\nsetsid util-linux base\nxvfb-run xvfb test\nnode nodejs base\nchromium chromium test\nmount mount base\n"
	root := repo(t, listed, map[string]string{".ci/e2e": script, "backend/x/x.go": gofile})

	err := declared(root, mustTools(t, root))
	if err == nil {
		t.Fatal("got no error, want the unlisted curl and chattr named")
	}
	for _, want := range []string{"curl (run in .ci/e2e:9)", "chattr (run in backend/x/x.go:3)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("got %v, want it to name %q", err, want)
		}
	}
	for _, not := range []string{"say", "set", "exec", "$SUDO", "-screen", "run.js", "Xvfb (", "for"} {
		if strings.Contains(err.Error(), "  "+not) {
			t.Errorf("got %v, which wrongly names %q as a tool", err, not)
		}
	}

	if err := os.WriteFile(filepath.Join(root, ".ci", "tools"), []byte(listed+"curl curl test\nchattr e2fsprogs test\nXvfb xvfb test\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := declared(root, mustTools(t, root)); err != nil {
		t.Fatalf("with every tool listed: got %v, want no error", err)
	}
}

func TestInstalledNamesThePackage(t *testing.T) {
	tools := []tool{{"sh", "dash", "base"}, {"rewind-no-such-tool", "rewind-pkg", "test"}, {"also-missing", "x", "bench"}}
	err := installed(tools, []string{"base", "test"})
	if err == nil || !strings.Contains(err.Error(), "rewind-no-such-tool (package rewind-pkg)") {
		t.Fatalf("got %v, want the missing command and its package", err)
	}
	if strings.Contains(err.Error(), "also-missing") {
		t.Errorf("got %v: a set that was not asked for was checked", err)
	}
}

func mustTools(t *testing.T, root string) []tool {
	t.Helper()
	tools, err := readTools(filepath.Join(root, ".ci", "tools"))
	if err != nil {
		t.Fatal(err)
	}
	return tools
}
