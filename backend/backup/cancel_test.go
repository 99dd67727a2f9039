package backup_test

import (
	"context"
	"crypto/rand"
	"errors"
	"os"
	"strings"
	"testing"

	"rewind/backend/backup"
	"rewind/backend/progress"
)

// A backup cancelled while it writes is recorded as failed with the reason
// the admin understands, not the Go context's error text.
func TestCancelledBackupSaysCancelled(t *testing.T) {
	big := make([]byte, 8<<20)
	rand.Read(big)
	m, dep := newProject(t, map[string]string{"data/big.bin": string(big)})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := m.Create(ctx, dep, backup.CreateRequest{}, func(p progress.Progress) {
		if p.Phase == progress.Archiving && p.BytesDone > 0 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want the cancellation", err)
	}
	if got := err.Error(); strings.Contains(got, "context canceled") || !strings.Contains(got, "cancelled") {
		t.Errorf("error %q: want it to say the backup was cancelled, not %q", got, "context canceled")
	}
	recs, err := m.List(context.Background(), dep)
	if err != nil || len(recs) != 1 {
		t.Fatalf("records: %+v %v", recs, err)
	}
	if r := recs[0]; r.Status != backup.StatusFailed || r.Error != "cancelled by the admin" {
		t.Errorf("record: status %q error %q; want failed, %q", r.Status, r.Error, "cancelled by the admin")
	}
}

// A backup cancelled before its record exists (while it scans the files)
// says so in the admin's words and leaves nothing behind; it used to read
// "scan ...: context canceled".
func TestBackupCancelledWhileScanningSaysCancelled(t *testing.T) {
	m, dep := newProject(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := m.Create(ctx, dep, backup.CreateRequest{}, func(p progress.Progress) {
		if p.Phase == progress.Preparing {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want the cancellation", err)
	}
	if got, want := err.Error(), "the backup of "+dep.Name+" was cancelled; nothing was written"; got != want {
		t.Errorf("error %q, want %q", got, want)
	}
	if recs, _ := m.List(context.Background(), dep); len(recs) != 0 {
		t.Errorf("records %+v, want none", recs)
	}
	if ents, _ := os.ReadDir(dep.StorageDir); len(ents) != 0 {
		t.Errorf("storage holds %v, want nothing", ents)
	}
}
