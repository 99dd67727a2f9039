package upgrade

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

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
