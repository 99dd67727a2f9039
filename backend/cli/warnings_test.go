package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"rewind/backend/store"
)

// A backup that completed with a warning (here a named pipe in the project,
// which is skipped) is not a clean copy, and stays marked so after the run
// that made it: `backup list` and `backup show`, text and JSON, carry the
// warning; a backup without one has an empty list, never a missing one.
func TestBackupWarningsAreKeptWithTheRecord(t *testing.T) {
	state, proj := t.TempDir(), project(t)
	ok(t, state, "init", "--project", proj, "--data", "data")
	quiet := decode[map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "create").stdout)
	if err := syscall.Mkfifo(filepath.Join(proj, "data", "events.pipe"), 0o600); err != nil {
		t.Fatal(err)
	}
	made := decode[map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "create").stdout)
	want := "skipped a named pipe: data/events.pipe"
	if ws, _ := made["warnings"].([]any); len(ws) != 1 || !strings.Contains(ws[0].(string), want) {
		t.Fatalf("create warnings = %v, want one containing %q", made["warnings"], want)
	}

	list := decode[[]map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "list").stdout)
	if len(list) != 2 {
		t.Fatalf("list: %v, want 2 records", list)
	}
	for _, rec := range list {
		got := keys(rec)
		slices.Sort(got)
		if !slices.Equal(got, recordKeys) {
			t.Errorf("list record keys: got %v, want %v", got, recordKeys)
		}
		ws, isList := rec["warnings"].([]any)
		switch rec["id"] {
		case quiet["id"]:
			if !isList || len(ws) != 0 {
				t.Errorf("quiet backup's warnings = %v, want []", rec["warnings"])
			}
		case made["id"]:
			if len(ws) != 1 || !strings.Contains(ws[0].(string), want) {
				t.Errorf("list warnings = %v, want one containing %q", rec["warnings"], want)
			}
		}
	}

	id := fmt.Sprint(int64(made["id"].(float64)))
	show := decode[map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "show", id).stdout)
	if ws, _ := show["backup"].(map[string]any)["warnings"].([]any); len(ws) != 1 || !strings.Contains(ws[0].(string), want) {
		t.Errorf("show --json warnings = %v, want one containing %q", show["backup"], want)
	}

	text := ok(t, state, "--project", proj, "backup", "list").stdout
	if !strings.Contains(text, "completed, 1 warning") {
		t.Errorf("list text %q, want the backup marked \"completed, 1 warning\"", text)
	}
	if n := strings.Count(text, "warning"); n != 1 {
		t.Errorf("list text %q marks %d rows, want only the one with a warning", text, n)
	}
	shown := ok(t, state, "--project", proj, "backup", "show", id).stdout
	if !strings.Contains(shown, "completed, 1 warning") || !strings.Contains(shown, want) {
		t.Errorf("show text %q, want its state with the warning count and the warning itself", shown)
	}
	verified := ok(t, state, "--project", proj, "backup", "verify", id).stdout
	if !strings.Contains(verified, "completed with 1 warning") {
		t.Errorf("verify text %q, want it to say the backup completed with a warning", verified)
	}
	plan := ok(t, state, "--project", proj, "backup", "restore", id, "--dry-run")
	if !strings.Contains(plan.stderr, "completed with 1 warning") || !strings.Contains(plan.stderr, want) {
		t.Errorf("restore --dry-run stderr %q, want the backup's warning before the restore", plan.stderr)
	}
	quietID := fmt.Sprint(int64(quiet["id"].(float64)))
	if r := ok(t, state, "--project", proj, "backup", "restore", quietID, "--dry-run"); strings.Contains(r.stderr, "warning") {
		t.Errorf("restore --dry-run of a clean backup warns: %q", r.stderr)
	}
}

// A catalog lost to damage is recreated from the settings file and its
// backups rebuilt from the archives; the archives do not hold the warnings,
// the settings file keeps a copy: the backup that completed with one is
// still marked after the rebuild.
func TestBackupWarningsSurviveACatalogRebuild(t *testing.T) {
	state, proj := t.TempDir(), project(t)
	ok(t, state, "init", "--project", proj, "--data", "data")
	quiet := decode[map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "create").stdout)
	if err := syscall.Mkfifo(filepath.Join(proj, "data", "events.pipe"), 0o600); err != nil {
		t.Fatal(err)
	}
	made := decode[map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "create").stdout)
	if err := os.Truncate(filepath.Join(state, store.DBFileName), 0); err != nil {
		t.Fatal(err)
	}
	if r := ok(t, state, "--project", proj, "status"); !strings.Contains(r.stderr, "rebuilt") {
		t.Fatalf("status on an empty catalog file: no rebuild reported: %s", r.stderr)
	}
	list := decode[[]map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "list").stdout)
	byName := map[any]map[string]any{}
	for _, rec := range list {
		byName[rec["name"]] = rec
	}
	want := "skipped a named pipe: data/events.pipe"
	if got := byName[made["name"]]; got == nil || !slices.Equal(got["warnings"].([]any), made["warnings"].([]any)) ||
		!strings.Contains(fmt.Sprint(got["warnings"]), want) {
		t.Errorf("warned backup after the rebuild: %v, want warnings %v", got, made["warnings"])
	}
	if got := byName[quiet["name"]]; got == nil || len(got["warnings"].([]any)) != 0 {
		t.Errorf("quiet backup after the rebuild: %v, want no warnings", got)
	}
}

// A backup killed after its archive was published but before its record
// was completed is completed by the recovery of the next command; the
// warnings it had are journaled before the publish, so the recovered record
// carries them too.
func TestBackupWarningsSurviveACrashBeforeTheRecord(t *testing.T) {
	bin := binary(t, "crashtest")
	state, proj := t.TempDir(), project(t)
	ok(t, state, "init", "--project", proj, "--data", "data")
	if err := syscall.Mkfifo(filepath.Join(proj, "data", "events.pipe"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runBin(t, bin, []string{"REWIND_CRASH_AT=backup.published"}, "--state", state, "--project", proj, "backup", "create")
	if r.code != -int(syscall.SIGKILL) {
		t.Fatalf("want the process killed at backup.published, got exit %d: %s", r.code, r.stderr)
	}
	list := decode[[]map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "list").stdout)
	want := "skipped a named pipe: data/events.pipe"
	if len(list) != 1 || list[0]["status"] != "completed" {
		t.Fatalf("after recovery: %v, want one completed backup", list)
	}
	if ws, _ := list[0]["warnings"].([]any); len(ws) != 1 || !strings.Contains(ws[0].(string), want) {
		t.Errorf("recovered backup's warnings = %v, want one containing %q", list[0]["warnings"], want)
	}
}
