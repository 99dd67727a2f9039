package upgrade

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"rewind/backend/op"
	"rewind/backend/progress"
	"rewind/backend/store"
)

// An upgrade cancelled at any step says that it was cancelled and what it
// left, never the Go context's "context canceled": before anything
// changed it says so; after, it rolls back and says how that went.
func TestCancelledUpgradeSaysCancelled(t *testing.T) {
	cases := []struct {
		name    string
		phase   progress.Phase
		want    string
		changed bool
	}{
		{"while checking", progress.Preparing, "the upgrade to 2 was cancelled; nothing was changed", false},
		{"while stopping", progress.Stopping, "upgrade to 2 was cancelled before anything changed; version 1 still runs", false},
		{"in the health window", progress.Health, "upgrade to 2 was cancelled; rolled back to 1, service healthy", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newUnit(t)
			ctx, cancel := context.WithCancel(f.ctx)
			defer cancel()
			_, err := f.u.Upgrade(ctx, f.dep, Request{To: "2", HealthWindow: time.Hour}, func(p progress.Progress) {
				if p.Phase == c.phase {
					cancel()
				}
			})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want the cancellation", err)
			}
			if got := err.Error(); got != c.want || strings.Contains(got, "context canceled") {
				t.Errorf("error %q, want %q", got, c.want)
			}
			if got := f.read(".env"); !strings.Contains(got, "APP_VERSION=1\n") {
				t.Errorf(".env: %q, want version 1", got)
			}
			for _, up := range f.history() {
				if strings.Contains(up.Error, "context canceled") {
					t.Errorf("upgrade #%d records %q", up.ID, up.Error)
				}
			}
		})
	}
}

// A rollback cancelled before it begins changing anything says so, in the
// admin's words, and leaves the upgraded version running.
func TestCancelledRollbackSaysCancelled(t *testing.T) {
	f := newUnit(t)
	if _, err := f.u.Upgrade(f.ctx, f.dep, Request{To: "2", HealthWindow: time.Millisecond}, nil); err != nil {
		t.Fatal(err)
	}
	up := f.history()[0]
	ctx, cancel := context.WithCancel(f.ctx)
	cancel()
	for _, c := range []struct {
		id   int64
		want string
	}{
		{0, "the rollback of the last upgrade was cancelled; nothing was changed"},
		{up.ID, fmt.Sprintf("the rollback of upgrade #%d was cancelled; nothing was changed", up.ID)},
	} {
		_, err := f.u.Rollback(ctx, f.dep, c.id, nil)
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("rollback %d: err = %v, want the cancellation", c.id, err)
		}
		if got := err.Error(); got != c.want {
			t.Errorf("rollback %d: error %q, want %q", c.id, got, c.want)
		}
	}
	if got := f.read(".env"); !strings.Contains(got, "APP_VERSION=2\n") {
		t.Errorf(".env: %q, want version 2 still", got)
	}
	if got := f.history()[0]; got.Status != store.UpgradeSucceeded {
		t.Errorf("upgrade #%d is %s after a cancelled rollback, want it still succeeded", got.ID, got.Status)
	}
}

// A rollback cannot be cancelled once it begins (its commit point): the job
// is told, so that it hides Cancel, and a cancel after that changes
// nothing; the rollback runs to its end. The same holds for the rollback of
// an upgrade cancelled in its health window.
func TestRollbackCannotBeCancelledOnceBegun(t *testing.T) {
	t.Run("one-click rollback", func(t *testing.T) {
		f := newUnit(t)
		if _, err := f.u.Upgrade(f.ctx, f.dep, Request{To: "2", HealthWindow: time.Millisecond}, nil); err != nil {
			t.Fatal(err)
		}
		committed := 0
		ctx, cancel := context.WithCancel(op.WithCommitNotice(f.ctx, func() { committed++ }))
		defer cancel()
		res, err := f.u.Rollback(ctx, f.dep, 0, func(p progress.Progress) {
			if p.Phase == progress.RollingBack {
				cancel()
			}
		})
		if err != nil || !res.Healthy {
			t.Fatalf("rollback cancelled after its commit point: %v, healthy %v", err, res.Healthy)
		}
		if committed != 1 {
			t.Errorf("the job was told of the commit point %d times, want once", committed)
		}
		if got := f.read(".env"); !strings.Contains(got, "APP_VERSION=1\n") {
			t.Errorf(".env: %q, want version 1", got)
		}
	})
	t.Run("upgrade cancelled in its health window", func(t *testing.T) {
		f := newUnit(t)
		committed := 0
		ctx, cancel := context.WithCancel(op.WithCommitNotice(f.ctx, func() { committed++ }))
		defer cancel()
		_, err := f.u.Upgrade(ctx, f.dep, Request{To: "2", HealthWindow: time.Hour}, func(p progress.Progress) {
			if p.Phase == progress.Health {
				cancel()
			}
		})
		var fe *FailedError
		if !errors.As(err, &fe) || fe.Outcome != OutcomeRolledBack {
			t.Fatalf("err = %v, want rolled back", err)
		}
		if committed != 1 {
			t.Errorf("the job was told of the commit point %d times, want once", committed)
		}
		if f.eng.running()["web"] != "shop:1" {
			t.Errorf("web runs %s, want shop:1", f.eng.running()["web"])
		}
	})
}
