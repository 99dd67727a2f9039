package archive

import (
	"errors"
	"testing"
)

func TestCheckNames(t *testing.T) {
	ok := []Entry{{Path: "app", Type: TypeDir}, {Path: "app/a.txt", Type: TypeFile}, {Path: "app/link", Type: TypeSymlink, Link: "../elsewhere"},
		{Path: "données/é.txt", Type: TypeFile}}
	if err := CheckNames(ok); err != nil {
		t.Fatalf("legitimate names refused: %v", err)
	}
	bad := map[string][]Entry{
		"case collision": {{Path: "README", Type: TypeFile}, {Path: "readme", Type: TypeFile}},
		"nfc collision":  {{Path: "caf\u00e9", Type: TypeFile}, {Path: "cafe\u0301", Type: TypeFile}},
		"control char":   {{Path: "a\nb", Type: TypeFile}},
		"backslash":      {{Path: `a\b`, Type: TypeFile}},
		"link newline":   {{Path: "l", Type: TypeSymlink, Link: "x\ny"}},
		"file as parent": {{Path: "f", Type: TypeFile}, {Path: "f/g", Type: TypeFile}},
	}
	for name, es := range bad {
		if err := CheckNames(es); !errors.Is(err, ErrUnsafeEntry) {
			t.Errorf("%s: got %v, want ErrUnsafeEntry", name, err)
		}
	}
}
