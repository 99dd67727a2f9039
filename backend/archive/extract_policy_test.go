package archive

import (
	"archive/tar"
	"strings"
	"testing"
)

func TestExCleanName(t *testing.T) {
	linux, strict := exNames{}, exNames{strict: true}
	tests := []struct {
		name, want string
		ok         bool
		strictOK   bool // under the rules of other systems
	}{
		{"a", "a", true, true},
		{"./a/b/", "a/b", true, true},
		{"a//b/./c", "a/b/c", true, true},
		{".", ".", true, true},
		{"./", ".", true, true},
		{"données/résumé.txt", "données/résumé.txt", true, true},
		{"NUL", "NUL", true, true}, // an ordinary name on Linux
		{"ab:c", "ab:c", true, true},
		// Ordinary bytes on Linux, where os.Root creates them exactly as one
		// name inside the root; path syntax or invalid names elsewhere.
		{"x:y", "x:y", true, false},           // drive-relative on Windows
		{"C:/a", "C:/a", true, false},         // a directory "C:" on Linux
		{`a\b`, `a\b`, true, false},           // one name on Linux
		{`..\x`, `..\x`, true, false},         // one name, not a parent reference, on Linux
		{"a\tb", "a\tb", true, false},         // control character
		{"a\nb", "a\nb", true, false},         // newline
		{"a\u0085b", "a\u0085b", true, false}, // C1 control
		{"a\xffb", "a\xffb", true, false},     // invalid UTF-8
		{"", "", false, false},
		{"../a", "", false, false},
		{"a/../b", "", false, false},
		{"a/..", "", false, false},
		{"/a", "", false, false},
		{"c:", "c:", true, false},
		{"a\x00b", "", false, false},
		{".rewind", "", false, false},
		{".rewind/x", "", false, false},
		{"./.rewind/index.jsonl", "", false, false},
		{string(make([]byte, 256)), "", false, false},
		{strings.Repeat("a/", 4096), "", false, false},
	}
	for _, tt := range tests {
		got, reason := linux.clean(tt.name)
		if got != tt.want || (reason == "") != tt.ok {
			t.Errorf("linux clean(%q) got %q, %q; want %q, ok %v", tt.name, got, reason, tt.want, tt.ok)
		}
		if _, reason := strict.clean(tt.name); (reason == "") != tt.strictOK {
			t.Errorf("strict clean(%q) got reason %q, want ok %v", tt.name, reason, tt.strictOK)
		}
	}
}

func TestExFolderKey(t *testing.T) {
	f := newExFolder()
	tests := []struct {
		a, b string
		same bool
	}{
		{"README", "readme", true},
		{"caf\u00e9", "cafe\u0301", true},
		{"CAF\u00c9", "cafe\u0301", true},
		{"straße", "STRASSE", true},
		{"k", "\u212a", true},
		{"a/B", "A/b", true},
		{"a", "b", false},
		{"cafe", "café", false},
		{"ı", "i", false}, // dotless i folds to itself
	}
	for _, tt := range tests {
		if got := f.key(tt.a) == f.key(tt.b); got != tt.same {
			t.Errorf("key(%q) == key(%q) got %v, want %v", tt.a, tt.b, got, tt.same)
		}
	}
}

func TestExCheckPAX(t *testing.T) {
	tests := []struct {
		name string
		hdr  tar.Header
		ok   bool
	}{
		{"none", tar.Header{}, true},
		{"path", tar.Header{PAXRecords: map[string]string{"path": "a"}}, true},
		{"small size", tar.Header{Size: 10, PAXRecords: map[string]string{"size": "10"}}, false},
		{"large size", tar.Header{Size: 1 << 34, PAXRecords: map[string]string{"size": "17179869184"}}, true},
		{"sparse", tar.Header{PAXRecords: map[string]string{"GNU.sparse.major": "1"}}, false},
		{"too big", tar.Header{PAXRecords: map[string]string{"comment": string(make([]byte, maxExtractPAX))}}, false},
	}
	for _, tt := range tests {
		if got := exCheckPAX(&tt.hdr) == ""; got != tt.ok {
			t.Errorf("%s: ok got %v, want %v", tt.name, got, tt.ok)
		}
	}
}

// exTree derives ancestors' keys from a path's key: the key of a prefix must
// be the matching prefix of the key.
func TestExFolderKeyPrefixes(t *testing.T) {
	f := newExFolder()
	for _, p := range []string{"A/b/C", "Straße/ÉTÉ/x", "cafe\u0301/\u0301a/K", "\u212a/\u00df\u00df/ǅ", "日本/語"} {
		key := f.key(p)
		for d, dk := exDirOf(p), exDirOf(key); d != "."; d, dk = exDirOf(d), exDirOf(dk) {
			if got := f.key(d); got != dk {
				t.Errorf("key(%q) got %q, want prefix %q of key(%q)", d, got, dk, p)
			}
		}
	}
}
