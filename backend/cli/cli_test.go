package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var recordKeys = []string{"compression", "createdAt", "description", "error", "fileCount", "fileExists",
	"id", "name", "path", "sha256", "size", "status", "type", "verifiedAt", "version", "warnings"}

func TestBackupLifecycleJSONContract(t *testing.T) {
	state, proj := t.TempDir(), project(t)
	initDoc := decode[map[string]any](t, ok(t, state, "--json", "init", "--project", proj, "--data", "data").stdout)
	if initDoc["name"] != "shop" || initDoc["composeProject"] != "shop" {
		t.Fatalf("init: got %v, want name and composeProject shop", initDoc)
	}

	st := decode[map[string]any](t, ok(t, state, "--json", "--project", proj, "status").stdout)
	dep := st["deployment"].(map[string]any)
	if got, want := dep["storageDir"], filepath.Join(state, "backups", "shop"); got != want {
		t.Errorf("status storageDir: got %v, want %v", got, want)
	}
	if st["version"] != "1.2.3" {
		t.Errorf("status version: got %v, want 1.2.3", st["version"])
	}

	rec := decode[map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "create", "--description", "before tests").stdout)
	got := keys(rec)
	slices.Sort(got)
	if want := recordKeys; !slices.Equal(got, want) {
		t.Fatalf("backup create keys: got %v, want %v", got, want)
	}
	name := rec["name"].(string)
	if !strings.HasPrefix(name, "backup_manual_v1.2.3_") || !strings.HasSuffix(name, ".tar.gz") {
		t.Errorf("name: got %q, want backup_manual_v1.2.3_<UTC time>.tar.gz", name)
	}
	if rec["status"] != "completed" || rec["fileExists"] != true || rec["type"] != "manual" {
		t.Errorf("record: got %v", rec)
	}
	created, err := time.Parse(time.RFC3339, rec["createdAt"].(string))
	if err != nil || time.Since(created) > time.Minute {
		t.Errorf("createdAt: got %v (%v), want RFC 3339 of now", rec["createdAt"], err)
	}
	if sha := fileSHA(t, rec["path"].(string)); sha != rec["sha256"] {
		t.Errorf("sha256: record %v, file %v", rec["sha256"], sha)
	}
	if rec["fileCount"].(float64) != 5 {
		t.Errorf("fileCount: got %v, want 5 regular files", rec["fileCount"])
	}

	// A second backup in the same second gets a _2 name, never a collision.
	rec2 := decode[map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "create").stdout)
	if rec2["name"] == name {
		t.Fatalf("second backup reused the name %v", name)
	}

	list := decode[[]map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "list").stdout)
	if len(list) != 2 || list[0]["id"].(float64) < list[1]["id"].(float64) {
		t.Fatalf("list: got %v, want 2 records newest first", list)
	}

	id := "1"
	show := decode[map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "show", id).stdout)
	man := show["manifest"].(map[string]any)
	if man["deployment"] != "shop" || man["version"] != "1.2.3" {
		t.Errorf("manifest: got %v", man)
	}
	if len(show["entries"].([]any)) == 0 || len(show["breakdown"].([]any)) == 0 {
		t.Errorf("show: entries and breakdown must not be empty: %v", show)
	}

	ver := decode[[]map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "verify", id).stdout)
	if ver[0]["ok"] != true || ver[0]["record"].(map[string]any)["verifiedAt"] == nil {
		t.Errorf("verify: got %v", ver)
	}

	// delete needs --yes and changes nothing without it
	r := rewind(t, state, "--project", proj, "backup", "delete", id)
	if r.code == 0 || !strings.Contains(r.stderr, "--yes") {
		t.Errorf("delete without --yes: exit %d, stderr %q", r.code, r.stderr)
	}
	path := rec["path"].(string)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("delete without --yes removed the file: %v", err)
	}
	ok(t, state, "--project", proj, "backup", "delete", id, "--yes")
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("file still there after delete: %v", err)
	}
	list = decode[[]map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "list").stdout)
	if len(list) != 1 {
		t.Errorf("after delete: got %d records, want 1", len(list))
	}
}

func TestErrorsAreOneLineAndChangeNothing(t *testing.T) {
	state, proj := t.TempDir(), project(t)
	ok(t, state, "init", "--project", proj)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"missing project", []string{"--project", filepath.Join(proj, "nope"), "status"}, "does not exist"},
		{"unknown backup", []string{"--project", proj, "backup", "show", "42"}, "backup #42 not found"},
		{"bad id", []string{"--project", proj, "backup", "verify", "x"}, "invalid backup id"},
		{"restore without --yes", []string{"--project", proj, "backup", "restore", "1"}, "backup #1 not found"},
		{"prune without policy", []string{"--project", proj, "backup", "prune", "--yes"}, "--keep-last"},
		{"unknown compression", []string{"--project", proj, "backup", "create", "--compression", "lz4"}, "unknown compression"},
		{"import garbage", []string{"--project", proj, "backup", "import", filepath.Join(proj, "app", "config.toml")}, "not a gzip or zstd stream"},
		{"data path outside", []string{"init", "--project", proj, "--data", "../etc"}, `data path "../etc": it must be a path inside the project directory`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := rewind(t, state, c.args...)
			if r.code == 0 {
				t.Fatalf("exit 0, want failure; stdout %q", r.stdout)
			}
			lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
			last := lines[len(lines)-1]
			if !strings.Contains(last, c.want) || !strings.HasPrefix(last, "rewind: ") {
				t.Errorf("stderr: got %q, want a line containing %q", r.stderr, c.want)
			}
			j := rewind(t, state, append([]string{"--json"}, c.args...)...)
			doc := decode[map[string]map[string]any](t, j.stdout)
			if doc["error"]["code"] == "" || doc["error"]["message"] == "" {
				t.Errorf("json error: got %v", doc)
			}
		})
	}
	depBefore := decode[map[string]any](t, ok(t, state, "--json", "--project", proj, "status").stdout)["deployment"]
	bad := decode[map[string]map[string]any](t, rewind(t, state, "--json", "init", "--project", proj, "--data", "other", "--data", "../etc").stdout)
	if bad["error"]["code"] != "invalid_setting" {
		t.Errorf("bad data path: code %v, want invalid_setting", bad["error"]["code"])
	}
	depAfter := decode[map[string]any](t, ok(t, state, "--json", "--project", proj, "status").stdout)["deployment"]
	if fmt.Sprint(depAfter.(map[string]any)["dataPaths"]) != fmt.Sprint(depBefore.(map[string]any)["dataPaths"]) {
		t.Errorf("a refused init changed the data paths: %v, was %v", depAfter, depBefore)
	}
	list := decode[[]map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "list").stdout)
	if len(list) != 0 {
		t.Errorf("failed commands left records: %v", list)
	}
	entries, _ := os.ReadDir(filepath.Join(state, "backups", "shop"))
	if len(entries) != 0 {
		t.Errorf("failed commands left files in storage: %v", entries)
	}
}

func TestImportAndRebuild(t *testing.T) {
	state, proj := t.TempDir(), project(t)
	ok(t, state, "init", "--project", proj)
	rec := decode[map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "create").stdout)

	// A fresh catalog (the old one lost) adopts the archive from the storage directory.
	state2 := t.TempDir()
	storage := filepath.Dir(rec["path"].(string))
	ok(t, state2, "init", "--project", proj, "--storage", storage)
	rb := decode[map[string]any](t, ok(t, state2, "--json", "--project", proj, "catalog", "rebuild").stdout)
	if n := len(rb["adopted"].([]any)); n != 1 {
		t.Fatalf("rebuild adopted %d, want 1: %v", n, rb)
	}
	adopted := rb["adopted"].([]any)[0].(map[string]any)
	for _, k := range []string{"name", "sha256", "size", "fileCount", "version", "type", "createdAt"} {
		if adopted[k] != rec[k] {
			t.Errorf("rebuilt %s: got %v, want %v", k, adopted[k], rec[k])
		}
	}

	// Import copies an external archive into the storage directory.
	state3 := t.TempDir()
	ok(t, state3, "init", "--project", proj)
	imp := decode[map[string]any](t, ok(t, state3, "--json", "--project", proj, "backup", "import", rec["path"].(string)).stdout)
	if imp["sha256"] != rec["sha256"] || filepath.Dir(imp["path"].(string)) != filepath.Join(state3, "backups", "shop") {
		t.Errorf("import: got %v", imp)
	}
	// An archive whose manifest is missing is reported, not adopted.
	bad := filepath.Join(filepath.Join(state3, "backups", "shop"), "backup_manual_v1_2026-01-01_00-00-00.tar.gz")
	os.WriteFile(bad, []byte("\x1f\x8b\x08\x00garbage"), 0o600)
	rb = decode[map[string]any](t, ok(t, state3, "--json", "--project", proj, "catalog", "rebuild").stdout)
	if len(rb["rejected"].([]any)) != 1 || len(rb["adopted"].([]any)) != 0 {
		t.Errorf("rebuild with a bad archive: got %v, want it rejected", rb)
	}
}

func TestStorageMove(t *testing.T) {
	state, proj := t.TempDir(), project(t)
	ok(t, state, "init", "--project", proj)
	rec := decode[map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "create").stdout)
	dst := filepath.Join(t.TempDir(), "elsewhere")
	ok(t, state, "--project", proj, "storage", "move", dst)
	list := decode[[]map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "list").stdout)
	want := filepath.Join(dst, rec["name"].(string))
	if list[0]["path"] != want || list[0]["fileExists"] != true {
		t.Fatalf("after move: got %v, want path %s", list[0], want)
	}
	if fileSHA(t, want) != rec["sha256"] {
		t.Error("moved file differs")
	}
	if _, err := os.Stat(rec["path"].(string)); !os.IsNotExist(err) {
		t.Errorf("old copy still there: %v", err)
	}
	st := decode[map[string]any](t, ok(t, state, "--json", "--project", proj, "status").stdout)
	if st["deployment"].(map[string]any)["storageDir"] != dst {
		t.Errorf("storageDir not updated: %v", st["deployment"])
	}
	// Running it again is harmless.
	ok(t, state, "--project", proj, "storage", "move", dst)
}

func TestPruneKeepsNewestPreUpgrade(t *testing.T) {
	if os.Getenv("DOCKER_HOST") == "" {
		if os.Getenv("REWIND_REQUIRE_DOCKER") == "1" {
			t.Fatal("REWIND_REQUIRE_DOCKER=1 but DOCKER_HOST is not set")
		}
		t.Skip("a pre-upgrade backup stops the services: it needs a Docker engine (DOCKER_HOST)")
	}
	state, proj := t.TempDir(), project(t)
	ok(t, state, "init", "--project", proj)
	ok(t, state, "--project", proj, "backup", "create", "--type", "pre-upgrade")
	for i := 0; i < 3; i++ {
		ok(t, state, "--project", proj, "backup", "create")
	}
	dry := decode[map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "prune", "--keep-last", "1", "--dry-run").stdout)
	if n := len(dry["removed"].([]any)); n != 2 {
		t.Fatalf("dry run would remove %d, want 2 (keep the newest and the pre-upgrade): %v", n, dry)
	}
	if list := decode[[]map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "list").stdout); len(list) != 4 {
		t.Fatalf("a dry run deleted something: %d left", len(list))
	}
	r := rewind(t, state, "--project", proj, "backup", "prune", "--keep-last", "1")
	if r.code == 0 || !strings.Contains(r.stderr, "--yes") {
		t.Errorf("prune without --yes: exit %d %q", r.code, r.stderr)
	}
	ok(t, state, "--project", proj, "backup", "prune", "--keep-last", "1", "--yes")
	list := decode[[]map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "list").stdout)
	types := []string{}
	for _, r := range list {
		types = append(types, r["type"].(string))
	}
	if !slices.Equal(types, []string{"manual", "pre-upgrade"}) {
		t.Errorf("after prune: %v, want the newest manual and the pre-upgrade", types)
	}
}
