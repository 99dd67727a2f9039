package cli

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"rewind/backend/backup"
	"rewind/backend/store"
)

// A retention value past what a date can hold is refused before anything is
// looked at: it used to overflow into a cutoff in the future, so every
// backup counted as expired and was deleted.
func TestKeepDaysOutOfRangeDeletesNothing(t *testing.T) {
	bin := binary(t, "")
	state, proj := t.TempDir(), project(t)
	ok(t, state, "init", "--project", proj)
	for i := 0; i < 2; i++ {
		ok(t, state, "--project", proj, "backup", "create")
	}
	for _, days := range []string{"200000", "-1"} {
		r := runBin(t, bin, nil, "--state", state, "--project", proj, "backup", "prune", "--keep-days", days, "--yes")
		if r.code == 0 || !strings.Contains(r.stderr, "keep-days "+days) || !strings.Contains(r.stderr, "36500") {
			t.Errorf("prune --keep-days %s: exit %d, stderr %q; want a refusal naming the value and the range", days, r.code, r.stderr)
		}
	}
	r := runBin(t, bin, nil, "--state", state, "--project", proj, "backup", "prune", "--keep-last", "-3", "--yes")
	if r.code == 0 || !strings.Contains(r.stderr, "keep-last -3") {
		t.Errorf("prune --keep-last -3: exit %d, stderr %q; want a refusal", r.code, r.stderr)
	}
	list := decode[[]map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "list").stdout)
	if len(list) != 2 {
		t.Fatalf("%d backups left after refused prunes, want 2", len(list))
	}
	for _, rec := range list {
		if rec["fileExists"] != true {
			t.Errorf("backup #%v lost its file", rec["id"])
		}
	}
	// In range, the same policy keeps both (they are minutes old).
	ok(t, state, "--project", proj, "backup", "prune", "--keep-days", "36500", "--yes")
	if n := len(decode[[]map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "list").stdout)); n != 2 {
		t.Errorf("--keep-days 36500 left %d backups, want 2", n)
	}
}

// Retention orders points by when this catalog recorded them, not by the
// creation time an archive brings: an imported archive dated in the future
// used to stay "newest" forever, so --keep-last kept it and deleted the
// backup Rewind had just taken. The newest backup Rewind made is never
// deleted.
func TestRetentionKeepsTheBackupJustTaken(t *testing.T) {
	bin := binary(t, "")
	state, proj := t.TempDir(), project(t)
	run := func(args ...string) result {
		t.Helper()
		r := runBin(t, bin, nil, append([]string{"--state", state, "--project", proj}, args...)...)
		if r.code != 0 {
			t.Fatalf("rewind %v: exit %d, %s", args, r.code, r.stderr)
		}
		return r
	}
	ids := func() map[float64]map[string]any {
		t.Helper()
		out := map[float64]map[string]any{}
		for _, rec := range decode[[]map[string]any](t, run("--json", "backup", "list").stdout) {
			if rec["fileExists"] != true {
				t.Errorf("backup #%v lost its file", rec["id"])
			}
			out[rec["id"].(float64)] = rec
		}
		return out
	}
	ok(t, state, "init", "--project", proj)
	first := decode[map[string]any](t, run("--json", "backup", "create").stdout)
	future := filepath.Join(t.TempDir(), "from-elsewhere.tar.gz")
	rewriteManifest(t, first["path"].(string), future, func(m map[string]any) { m["createdAt"] = "2099-01-01T00:00:00Z" })
	imp := decode[map[string]any](t, run("--json", "backup", "import", future).stdout)
	if imp["createdAt"] != "2099-01-01T00:00:00Z" {
		t.Errorf("the import shows created %v, want its own time", imp["createdAt"])
	}

	// The import is the newest recorded point, the first backup the newest
	// Rewind made: --keep-last 1 keeps both.
	run("backup", "prune", "--keep-last", "1", "--yes")
	got := ids()
	if got[first["id"].(float64)] == nil || got[imp["id"].(float64)] == nil || len(got) != 2 {
		t.Fatalf("after prune --keep-last 1: %v, want the backup Rewind made (#%v) and the import (#%v)", got, first["id"], imp["id"])
	}

	// With a saved policy, the retention that follows a new backup keeps it.
	st, err := store.Open(state, "")
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	dep, err := st.DeploymentByName(ctx, "shop")
	if err == nil {
		err = st.SetConfig(ctx, dep.PolicyKey(), backup.Policy{KeepLast: 1})
	}
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	last := decode[map[string]any](t, run("--json", "backup", "create").stdout)
	got = ids()
	if got[last["id"].(float64)] == nil || len(got) != 1 {
		t.Fatalf("after a backup with keep-last 1 saved: %v, want only the new backup #%v", got, last["id"])
	}
}
