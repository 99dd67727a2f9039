package backup_test

import (
	"context"
	"rewind/backend/op"
	"strings"
	"testing"
	"time"

	"rewind/backend/backup"
)

// Deleting the newest pre-upgrade backup Rewind recorded warns, even when an
// archive imported earlier claims a later creation time: "newest" is the
// catalog's recording order, as for retention.
func TestDeleteWarnsForNewestRecordedPreUpgradeDespiteFutureDatedImport(t *testing.T) {
	ctx := context.Background()
	c := newCatalog(t)
	// First an import dated in the future, then a pre-upgrade backup made here.
	c.record(t, "future.tar.gz", backup.TypePreUpgrade, "1", time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC), true)
	made := c.record(t, "made.tar.gz", backup.TypePreUpgrade, "1", time.Now().UTC(), false)
	m := backup.New(op.New(c.st), nil)
	res, err := m.Delete(ctx, c.dep, made)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "newest pre-upgrade backup") {
		t.Errorf("warnings %q, want the newest pre-upgrade backup warning for #%d", res.Warnings, made)
	}
}
