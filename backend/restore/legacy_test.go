package restore

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"rewind/backend/op/optest"
	"strings"
	"testing"
)

// A journal written by the previous version (steps R1..R12, the phase
// "starting" after the swap) is still recovered: before the commit the
// previous files are put back, after it the replaced ones are kept.
func TestRecoveryReadsThePreviousVersionsJournal(t *testing.T) {
	cases := []struct {
		step, phase string
		undone      bool // else committed
	}{
		{"R8", "swapping", true},
		{"R10", "starting", true},
		{"R12", "undoing", true},
		{"needs-recovery", "starting", true},
		{"R11", "committed", false},
	}
	for _, c := range cases {
		t.Run(c.step+"/"+c.phase, func(t *testing.T) {
			f := newFixture(t)
			ctx := context.Background()
			// The swap fails and so does the stop of its undo: the restore is
			// left for recovery, with the restored files in place.
			f.r.Kernel.Hook = optest.Fault("restore." + string(Swapped))
			stops := 0
			f.eng.onStop = func() {
				if stops++; stops == 2 {
					f.eng.stopErr = errors.New("the engine went away")
				}
			}
			if _, err := f.r.Run(ctx, f.dep, f.backupID, Options{Mode: Full, Confirmed: true}, nil); err == nil {
				t.Fatal("want the injected fault")
			}
			f.r.Kernel.Hook, f.eng.onStop, f.eng.stopErr = nil, nil, nil
			if f.hash(t) != f.hArchive {
				t.Fatal("want the restored files in place before recovery")
			}
			ops, err := f.st.UnfinishedOperations(ctx)
			if err != nil || len(ops) != 1 {
				t.Fatalf("unfinished operations: %+v, %v", ops, err)
			}
			// Written as the previous version did: its step and phase names.
			var facts map[string]any
			if err := json.Unmarshal(ops[0].Facts, &facts); err != nil {
				t.Fatal(err)
			}
			facts["phase"] = c.phase
			b, _ := json.Marshal(facts)
			if err := f.st.UpdateOperation(ctx, ops[0].ID, c.step, json.RawMessage(b)); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(facts["work"].(string), "journal.json"), b, 0o600); err != nil {
				t.Fatal(err)
			}

			lines, err := f.recover(ctx)
			if err != nil {
				t.Fatalf("recover: %v (%v)", err, lines)
			}
			want, what := f.hBefore, "the previous files were put back"
			if !c.undone {
				want, what = f.hArchive, "had completed before the interruption"
			}
			if f.hash(t) != want {
				t.Errorf("after recovery the tree is not the one the journal says (%s)", what)
			}
			if len(lines) != 1 || !strings.Contains(lines[0], what) {
				t.Errorf("recovery said %q, want %q", lines, what)
			}
			if left := f.workLeft(t); len(left) != 0 {
				t.Errorf(".rewind holds %v", left)
			}
			if ops, _ := f.st.UnfinishedOperations(ctx); len(ops) != 0 {
				t.Errorf("unfinished operations left: %+v", ops)
			}
		})
	}
}
