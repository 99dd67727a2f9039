package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A version longer than a file name may be still gets a backup: the name
// carries a shortened version, the record and the manifest the full one.
func TestLongVersionBacksUp(t *testing.T) {
	state, proj := t.TempDir(), project(t)
	long := strings.Repeat("1.2.3-rc", 40) // 320 characters
	os.WriteFile(filepath.Join(proj, ".env"), []byte("APP_VERSION="+long+"\n"), 0o644)
	ok(t, state, "init", "--project", proj)
	for i := 0; i < 2; i++ { // the second one in the same second needs a free name too
		r := rewind(t, state, "--json", "--project", proj, "backup", "create")
		if r.code != 0 {
			t.Fatalf("backup with a %d-character version: exit %d, %s", len(long), r.code, r.stderr)
		}
	}
	list := decode[[]map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "list").stdout)
	if len(list) != 2 {
		t.Fatalf("%d records, want 2", len(list))
	}
	for _, rec := range list {
		name := rec["name"].(string)
		if rec["status"] != "completed" || rec["version"] != long || len(name) > 255 {
			t.Errorf("record %v: want completed, the full version, a name of at most 255 bytes", rec)
		}
		if _, err := os.Stat(rec["path"].(string)); err != nil {
			t.Errorf("archive: %v", err)
		}
		show := decode[map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "show", fmt.Sprint(rec["id"].(float64))).stdout)
		if v := show["manifest"].(map[string]any)["version"]; v != long {
			t.Errorf("manifest version %v, want the full version", v)
		}
	}
}
