package archive

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
)

// Names that are legal on Linux and common in upload directories: they must
// pass the backup's check on a filesystem that does not fold names.
func oddNames() []Entry {
	return []Entry{
		{Path: "Photo.jpg", Type: TypeFile}, {Path: "photo.jpg", Type: TypeFile},
		{Path: "caf\u00e9", Type: TypeFile}, {Path: "cafe\u0301", Type: TypeFile},
		{Path: "two\nlines", Type: TypeFile}, {Path: "latin1-\xe9t\xe9", Type: TypeFile},
		{Path: `C:\fakepath\upload.png`, Type: TypeFile}, {Path: "\x1b[31mred", Type: TypeFile},
		{Path: "l", Type: TypeSymlink, Link: "x\ny\xff"},
	}
}

func TestCheckNames(t *testing.T) {
	ok := []Entry{{Path: "app", Type: TypeDir}, {Path: "app/a.txt", Type: TypeFile}, {Path: "app/link", Type: TypeSymlink, Link: "../elsewhere"},
		{Path: "données/é.txt", Type: TypeFile}}
	if err := CheckNames(append(ok, oddNames()...), t.TempDir()); err != nil {
		t.Fatalf("legitimate names refused on a filesystem that does not fold names: %v", err)
	}
	bad := map[string][]Entry{
		"file as parent": {{Path: "f", Type: TypeFile}, {Path: "f/g", Type: TypeFile}},
		"too deep":       {{Path: strings.Repeat("d/", maxExtractDepth) + "f", Type: TypeFile}},
		"long component": {{Path: strings.Repeat("n", maxExtractComponent+1), Type: TypeFile}},
		"duplicate":      {{Path: "a", Type: TypeFile}, {Path: "a", Type: TypeFile}},
	}
	for name, es := range bad {
		if err := CheckNames(es, t.TempDir()); !errors.Is(err, ErrUnsafeEntry) || errors.Is(err, ErrNamesFold) {
			t.Errorf("%s: got %v, want ErrUnsafeEntry only", name, err)
		}
	}
	// This system cannot mount a case-insensitive filesystem on demand
	// (no vfat, no casefold), so the folding rules are applied directly.
	folding := map[string][]Entry{
		"case collision": {{Path: "README", Type: TypeFile}, {Path: "readme", Type: TypeFile}},
		"nfc collision":  {{Path: "caf\u00e9", Type: TypeFile}, {Path: "cafe\u0301", Type: TypeFile}},
		"parent":         {{Path: "A/x", Type: TypeFile}, {Path: "a/y", Type: TypeFile}},
	}
	for name, es := range folding {
		if err := checkNames(es, exNames{fold: true}); !errors.Is(err, ErrUnsafeEntry) || !errors.Is(err, ErrNamesFold) {
			t.Errorf("%s on a folding filesystem: got %v, want ErrUnsafeEntry and ErrNamesFold", name, err)
		}
	}
}

// The probe leaves the directory as it found it and says that this
// system's temporary filesystem does not fold names.
func TestProbeFolding(t *testing.T) {
	dir := t.TempDir()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	folds, err := probeFolding(root)
	if err != nil || folds {
		t.Fatalf("probeFolding got %v, %v; want false, nil", folds, err)
	}
	if des, _ := os.ReadDir(dir); len(des) != 0 {
		t.Errorf("probe left %v", des)
	}
	if folds, err := probeDirFolding(dir); err != nil || folds {
		t.Fatalf("probeDirFolding got %v, %v", folds, err)
	}
	if des, _ := os.ReadDir(dir); len(des) != 0 {
		t.Errorf("probe left %v", des)
	}
}

func TestEscapeName(t *testing.T) {
	tests := []struct{ name, want string }{
		{"plain/é.txt", "plain/é.txt"},
		{`say "hi"`, `say "hi"`},
		{"a\nb", `a\nb`},
		{"\x1b[31mred", `\x1b[31mred`},
		{"a\xffb", `a\xffb`},
		{`C:\x`, `C:\\x`},
		{"a\u0085b", `a\u0085b`},
		{"bidi\u202etxt", `bidi\u202etxt`},
		{"q\"\n", `q\"\n`},
	}
	for _, tt := range tests {
		got := EscapeName(tt.name)
		if got != tt.want {
			t.Errorf("EscapeName(%q) got %q, want %q", tt.name, got, tt.want)
		}
		back, err := UnescapeName(got)
		if err != nil || back != tt.name {
			t.Errorf("UnescapeName(%q) got %q, %v; want %q", got, back, err, tt.name)
		}
	}
	for _, bad := range []string{`a\`, `a\q`, `a\x41`} { // not what EscapeName writes
		if got, err := UnescapeName(bad); err == nil {
			t.Errorf("UnescapeName(%q) got %q, want an error", bad, got)
		}
	}
}

// encoding/json would turn invalid UTF-8 into U+FFFD: an entry's JSON must
// still give back its exact bytes.
func TestEntryJSONCarriesAnyBytes(t *testing.T) {
	for _, e := range oddNames() {
		data, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		var back Entry
		if err := json.Unmarshal(data, &back); err != nil {
			t.Fatalf("%s: %v", data, err)
		}
		if back.Path != e.Path || back.Link != e.Link {
			t.Errorf("%s: got %q -> %q, want %q -> %q", data, back.Path, back.Link, e.Path, e.Link)
		}
	}
	var plain bytes.Buffer
	if err := encodeIndex(&plain, []Entry{{Path: "a<b>&c", Type: TypeFile}}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "Base64") || !strings.Contains(plain.String(), `"a<b>&c"`) {
		t.Errorf("a valid name's index line changed: %s", plain.String())
	}
	for _, bad := range []string{
		`{"path":"a","pathBase64":"YQ=="}`,       // valid UTF-8 in base64: a second spelling
		`{"path":"b\ufffd","pathBase64":"Yf8="}`, // lossy form of another name
		`{"path":"a","pathBase64":"!"}`,
	} {
		var e Entry
		if err := json.Unmarshal([]byte(bad), &e); err == nil {
			t.Errorf("%s accepted as %q", bad, e.Path)
		}
	}
}

// A pre-restore backup's included paths are the top-level names a restore
// replaced, which may be any bytes.
func TestManifestJSONCarriesAnyPaths(t *testing.T) {
	m := Manifest{FormatVersion: 1, Paths: []string{"app", "r\xe9sum\xe9.pdf", "two\nlines"}, Excludes: []string{}}
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back Manifest
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("%s: %v", data, err)
	}
	if len(back.Paths) != 3 || back.Paths[1] != m.Paths[1] || back.Paths[2] != m.Paths[2] {
		t.Errorf("%s: got %q, want %q", data, back.Paths, m.Paths)
	}
	if m.Paths[1] != "r\xe9sum\xe9.pdf" {
		t.Error("MarshalJSON changed the caller's paths")
	}
	plain, _ := json.Marshal(Manifest{Paths: []string{"."}})
	if strings.Contains(string(plain), "Base64") {
		t.Errorf("a plain manifest changed: %s", plain)
	}
	if err := json.Unmarshal([]byte(`{"paths":["a"],"pathsBase64":["",""]}`), &back); err == nil {
		t.Error("misaligned pathsBase64 accepted")
	}
}
