package restore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// The refusal names the backup and says why, in a sentence.
func TestNotRestorableSaysWhy(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	b, _ := f.st.GetBackup(ctx, f.backupID)
	os.Rename(b.Path, b.Path+".moved")
	_, err := f.r.Plan(ctx, f.dep, f.backupID, Full)
	want := fmt.Sprintf("backup #%d cannot be restored: its file %s is missing", f.backupID, b.Path)
	if !errors.Is(err, ErrNotRestorable) || err == nil || err.Error() != want {
		t.Errorf("missing file: got %v, want %q", err, want)
	}
	os.Rename(b.Path+".moved", b.Path)
	if err := f.st.FailBackup(ctx, f.backupID, "cancelled by the admin"); err != nil {
		t.Fatal(err)
	}
	_, err = f.r.Plan(ctx, f.dep, f.backupID, Full)
	want = fmt.Sprintf("backup #%d cannot be restored: it failed (cancelled by the admin)", f.backupID)
	if !errors.Is(err, ErrNotRestorable) || err == nil || err.Error() != want {
		t.Errorf("failed backup: got %v, want %q", err, want)
	}
}

// A restore cancelled while it extracts says it was cancelled and that
// nothing changed, not that the backup cannot be extracted.
func TestCancelledRestoreSaysCancelled(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.r.Kernel.Hook = func(step string) error {
		if step == "restore.staging" {
			cancel()
		}
		return nil
	}
	_, err := f.r.Run(ctx, f.dep, f.backupID, Options{Mode: Full, Confirmed: true}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want the cancellation", err)
	}
	want := fmt.Sprintf("the restore of backup #%d was cancelled; nothing was changed", f.backupID)
	if err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
	if f.hash(t) != f.hBefore {
		t.Error("a cancelled restore changed the live files")
	}
}

// An undone restore says which containers it started again, or that none
// were running.
func TestUndoSaysWhatWasStarted(t *testing.T) {
	for _, running := range []bool{true, false} {
		t.Run(fmt.Sprint("running=", running), func(t *testing.T) {
			f := newFixture(t)
			f.eng.running = running
			f.r.Kernel.Hook = func(step string) error {
				if step == "restore.started" {
					return errors.New("injected fault")
				}
				return nil
			}
			res, err := f.r.Run(context.Background(), f.dep, f.backupID, Options{Mode: Full, Confirmed: true}, nil)
			if err == nil {
				t.Fatal("want the injected fault")
			}
			want := "the restore was undone: the previous files are back; no containers were running, so none were started"
			if running {
				want = "the restore was undone: the previous files are back; started again: " + f.dep.ComposeProject + "_web_1"
			}
			if !slices.Contains(res.Warnings, want) {
				t.Errorf("warnings %q\nwant %q", res.Warnings, want)
			}
			for _, w := range res.Warnings {
				if !running && strings.Contains(w, "the containers that ran were started again") {
					t.Errorf("warning %q claims containers were started; none ran", w)
				}
			}
		})
	}
}

// A preview cancelled by the admin says so, whatever step it was at.
func TestCancelledPlanSaysCancelled(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := f.r.Plan(ctx, f.dep, f.backupID, Full)
	want := fmt.Sprintf("the restore of backup #%d was cancelled; nothing was changed", f.backupID)
	if !errors.Is(err, context.Canceled) || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}
