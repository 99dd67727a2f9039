package cli

import (
	"strings"
	"testing"
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
