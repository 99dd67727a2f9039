package archive

import (
	"archive/tar"
	"testing"
)

func TestExCleanName(t *testing.T) {
	tests := []struct {
		name, want string
		ok         bool
	}{
		{"a", "a", true},
		{"./a/b/", "a/b", true},
		{"a//b/./c", "a/b/c", true},
		{".", ".", true},
		{"./", ".", true},
		{"données/résumé.txt", "données/résumé.txt", true},
		{"NUL", "NUL", true}, // an ordinary name on Linux
		{"ab:c", "ab:c", true},
		{"x:y", "", false}, // drive-relative on Windows
		{"", "", false},
		{"../a", "", false},
		{"a/../b", "", false},
		{"a/..", "", false},
		{"/a", "", false},
		{`a\b`, "", false},
		{"C:/a", "", false},
		{"c:", "", false},
		{"a\x00b", "", false},
		{"a\tb", "", false},
		{"a\u0085b", "", false},
		{"a\xffb", "", false},
		{".rewind", "", false},
		{".rewind/x", "", false},
		{"./.rewind/index.jsonl", "", false},
		{string(make([]byte, 256)), "", false},
	}
	for _, tt := range tests {
		got, reason := exCleanName(tt.name)
		if got != tt.want || (reason == "") != tt.ok {
			t.Errorf("exCleanName(%q) got %q, %q; want %q, ok %v", tt.name, got, reason, tt.want, tt.ok)
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
