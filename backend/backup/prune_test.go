package backup_test

import (
	"context"
	"rewind/backend/op"
	"testing"
	"time"

	"rewind/backend/backup"
)

// A point's age is counted from when it was taken, or from when this catalog
// recorded it if that is earlier: an archive dated in the future used to
// count as younger than any --keep-days forever.
func TestKeepDaysAgesAFutureDatedImportFromItsRecording(t *testing.T) {
	ctx := context.Background()
	c := newCatalog(t)
	now := time.Now().UTC()
	made := c.record(t, "made.tar.gz", backup.TypeManual, "", now, false)
	future := c.record(t, "future.tar.gz", backup.TypeManual, "", time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC), true)
	m := backup.New(op.New(c.st), nil)
	m.Now = func() time.Time { return now.AddDate(0, 0, 60) } // two months on
	res, err := m.Prune(ctx, c.dep, backup.Policy{KeepDays: 30}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Removed) != 1 || res.Removed[0].ID != future {
		t.Errorf("removed %v, want only the import (#%d), recorded 60 days ago", res.Removed, future)
	}
	if len(res.Kept) != 1 || res.Kept[0].ID != made {
		t.Errorf("kept %v, want the newest backup Rewind made (#%d)", res.Kept, made)
	}
}
