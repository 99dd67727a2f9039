package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Archives whose names the extraction policy refused before and accepts on
// Linux now, each with the reason. They are legal names on Linux, common in
// upload directories, and os.Root creates each exactly as one name inside
// the staging root, so none can reach the victim tree. Other systems keep
// refusing them (TestExCleanName's strict rules).
func hostileNamesLinux() []struct {
	name, why string
	entries   []hEntry
} {
	return []struct {
		name, why string
		entries   []hEntry
	}{
		{"backslash dotdot", "a backslash is no separator on Linux: one file named ..\\victim\\pwned",
			[]hEntry{hFile(`..\victim\pwned`, "x")}},
		{"drive slash", "C: is an ordinary directory name on Linux",
			[]hEntry{hFile("C:/victim/pwned", "x")}},
		{"drive backslash", "one name on Linux (browsers send C:\\fakepath\\… as upload names)",
			[]hEntry{hFile(`C:\pwned`, "x")}},
		{"drive relative", "an ordinary name on Linux", []hEntry{hFile("c:pwned", "x")}},
		{"unc backslash", "one name on Linux", []hEntry{hFile(`\\server\share\pwned`, "x")}},
		{"newline in name", "a legal byte; the tree hash and index encode it unambiguously",
			[]hEntry{hFile("a\nb", "x")}},
		{"escape sequence in name", "a legal byte; names are escaped wherever they are shown",
			[]hEntry{hFile("\x1b[31mred", "x")}},
		{"c1 control in name", "valid UTF-8 and a legal name", []hEntry{hFile("a\u0085b", "x")}},
		{"bad utf-8 name", "Linux names are bytes: PAX path records and the index carry them exactly",
			[]hEntry{hFile("a\xffb", "x"), hDir("d\xfe"), hFile("d\xfe/inner", "y"), hLink("d\xfe/hard\xfd", "a\xffb")}},
		{"symlink target with newline", "link targets are created verbatim and never followed",
			[]hEntry{hSymlink("l", "a\nb"), hSymlink("l2", "x\xff")}},
		{"case collision", "distinct names on a filesystem that does not fold case",
			[]hEntry{hFile("README", "1"), hFile("readme", "2")}},
		{"case collision in parent", "distinct directories", []hEntry{hFile("A/x", "1"), hFile("a/y", "2")}},
		{"nfc collision", "distinct byte strings, not normalised by Linux filesystems",
			[]hEntry{hFile("caf\u00e9", "1"), hFile("cafe\u0301", "2")}},
		{"full case fold collision", "distinct names", []hEntry{hFile("straße", "1"), hFile("STRASSE", "2")}},
		{"kelvin sign collision", "distinct names", []hEntry{hFile("k", "1"), hFile("\u212a", "2")}},
	}
}

func TestHostileNamesOnLinux(t *testing.T) {
	if exHostNames.strict {
		t.Skip("other systems keep the strict name rules (TestExCleanName)")
	}
	for _, c := range hostileNamesLinux() {
		for _, workers := range []int{0, 2} {
			t.Run(fmt.Sprintf("%s/workers=%d", c.name, workers), func(t *testing.T) {
				env := hNewEnv(t)
				before := hTreeHash(t, env.base, "staging")
				a := &hArchive{entries: c.entries}
				res, err := Extract(context.Background(), bytes.NewReader(a.build(t)), env.staging, ExtractOptions{Workers: workers})
				if err != nil {
					t.Fatalf("refused (%s): %v", c.why, err)
				}
				if err := hCompareTree(env.staging, res.Entries); err != nil {
					t.Fatal(err)
				}
				for _, e := range a.index() { // each name exactly as archived
					if _, err := os.Lstat(filepath.Join(env.staging, e.Path)); err != nil {
						t.Errorf("%q: %v", e.Path, err)
					}
				}
				hAssertContained(t, env, before)
			})
		}
	}
}

// On a filesystem that folds case or Unicode normalisation, names that
// collide would overwrite each other, so the collision cases are refused
// there. This system cannot mount one on demand (no vfat, no casefold
// support), so the probe's answer is replaced; the probe itself is tested in
// TestProbeFolding.
func TestHostileCollisionsOnFoldingFS(t *testing.T) {
	folding := func(*os.Root) (bool, error) { return true, nil }
	for _, c := range hostileNamesLinux() {
		if !bytes.Contains([]byte(c.name), []byte("collision")) {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			env := hNewEnv(t)
			before := hTreeHash(t, env.base, "staging")
			data := (&hArchive{entries: c.entries}).build(t)
			_, err := Extract(context.Background(), bytes.NewReader(data), env.staging, ExtractOptions{probe: folding})
			if !errors.Is(err, ErrUnsafeEntry) || !errors.Is(err, ErrNamesFold) {
				t.Fatalf("got %v, want ErrUnsafeEntry and ErrNamesFold", err)
			}
			hAssertContained(t, env, before)
		})
	}
	// A probe that fails refuses the extraction before anything is written.
	env := hNewEnv(t)
	broken := func(*os.Root) (bool, error) { return false, os.ErrPermission }
	_, err := Extract(context.Background(), bytes.NewReader(hValid().build(t)), env.staging, ExtractOptions{probe: broken})
	if !errors.Is(err, os.ErrPermission) {
		t.Fatalf("failed probe: got %v", err)
	}
}
