//go:build integration

package restore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"rewind/backend/backup"
	"rewind/backend/docker"
	"rewind/backend/progress"
	"rewind/backend/store"
)

// A restore cancelled before anything changed says so in the admin's words,
// whatever step it was at, and leaves the tree as it was. It used to read
// "inspect containers: context canceled" when cancelled while the
// containers were inspected, and a restore with --no-start cancelled while
// it connected to Docker went on as if Docker were unreachable.
func TestRestoreCancelledBeforeAnyChangeSaysSo(t *testing.T) {
	e := engine(t)
	cases := []struct {
		name    string
		noStart bool
		// cancel is called with the cancel function; it returns the
		// connection to use and the report to give the restore.
		at func(cancel context.CancelFunc) (backup.Connect, progress.Report)
	}{
		{"inspecting containers", false, func(cancel context.CancelFunc) (backup.Connect, progress.Report) {
			return func(context.Context) (backup.Engine, error) { return e, nil },
				func(p progress.Progress) {
					if p.Phase == progress.Stopping {
						cancel() // the step that follows asks the engine for the containers
					}
				}
		}},
		{"connecting to Docker with --no-start", true, func(cancel context.CancelFunc) (backup.Connect, progress.Report) {
			// The admin cancels as the restore connects to stop the
			// containers (after extracting): the real engine is asked
			// with the cancelled context.
			staged := false
			return func(ctx context.Context) (backup.Engine, error) {
					if staged {
						cancel()
					}
					return connect(ctx)
				}, func(p progress.Progress) {
					if p.Phase == progress.Extracting {
						staged = true
					}
				}
		}},
		{"connecting to Docker while planning", false, func(cancel context.CancelFunc) (backup.Connect, progress.Report) {
			return func(ctx context.Context) (backup.Engine, error) {
				cancel()
				return connect(ctx)
			}, nil
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			connect, report := c.at(cancel)
			f.r.Connect = connect
			_, err := f.r.Run(ctx, f.dep, f.backupID, Options{Mode: Full, Confirmed: true, NoStart: c.noStart}, report)
			want := fmt.Sprintf("the restore of backup #%d was cancelled; nothing was changed", f.backupID)
			if !errors.Is(err, context.Canceled) || err.Error() != want {
				t.Fatalf("err = %v, want %q", err, want)
			}
			if f.hash(t) != f.hBefore {
				t.Error("the live tree changed")
			}
			if left := f.workLeft(t); len(left) != 0 {
				t.Errorf(".rewind holds %v after the cancelled restore", left)
			}
			ops, _ := f.st.ListOperations(context.Background(), f.dep.ID, 10)
			for _, op := range ops {
				if op.Kind == "restore" && (op.State != store.OpCanceled || strings.Contains(op.Error, "context canceled")) {
					t.Errorf("operation #%d: state %q, reason %q; want canceled in the admin's words", op.ID, op.State, op.Error)
				}
			}
		})
	}
}

// connect is the CLI's connection to the engine.
func connect(ctx context.Context) (backup.Engine, error) {
	eng, err := docker.Connect(ctx, docker.Options{})
	if err != nil {
		return nil, err
	}
	return eng, nil
}
