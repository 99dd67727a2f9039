package store

import (
	"context"
	"reflect"
	"testing"
	"time"

	"rewind/backend/archive"
)

func TestCompleteBackupWith20000Entries(t *testing.T) {
	ctx := context.Background()
	stores(t, func(t *testing.T, s *Store) {
		id, err := s.InsertBackup(ctx, sampleBackup(1, "big.tar.gz", fixedTime))
		if err != nil {
			t.Fatal(err)
		}
		entries := sampleEntries(20000)
		for i := 0; i < 2; i++ { // the second call replaces, never duplicates
			if err := s.CompleteBackup(ctx, id, 1, 20000, "", nil, entries); err != nil {
				t.Fatal(err)
			}
			if n, err := s.EntryCount(ctx, id); err != nil || n != 20000 {
				t.Fatalf("call %d: %d rows (%v), want 20000", i+1, n, err)
			}
		}
		got, err := s.BackupEntries(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, entries) {
			for i := range got {
				if !reflect.DeepEqual(got[i], entries[i]) {
					t.Fatalf("entry %d:\n got %+v\nwant %+v", i, got[i], entries[i])
				}
			}
			t.Fatalf("got %d entries, want %d", len(got), len(entries))
		}
	})
}

func TestEntryFieldsRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := newMemStore(t)
	zone := time.FixedZone("X", -5*3600)
	entries := []archive.Entry{
		{Path: "data", Type: archive.TypeDir, Mode: 0o755, MTime: time.Date(2024, 2, 29, 23, 59, 59, 999999999, zone), UID: 0, GID: 0},
		{Path: "data/link", Type: archive.TypeSymlink, Mode: 0o777, Link: "../elsewhere/目标", UID: 33, GID: 33},
		{Path: "data/hard", Type: archive.TypeHardlink, Link: "data/file", Mode: 0o600},
		{Path: "data/file", Type: archive.TypeFile, Size: 1 << 40, Mode: 0o4755 & 0o7777, SHA256: "ff", UID: 4294967294, GID: 65534},
	}
	id, err := s.InsertCompletedBackup(ctx, sampleBackup(1, "fields.tar.gz", fixedTime), entries)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.BackupEntries(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	want := append([]archive.Entry(nil), entries...)
	want[0].MTime = want[0].MTime.UTC()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("\n got %+v\nwant %+v", got, want)
	}
	if empty, err := s.BackupEntries(ctx, 999); err != nil || empty == nil || len(empty) != 0 {
		t.Fatalf("entries of a missing backup: %v, %v; want an empty slice", empty, err)
	}
}

// A VARCHAR holds only valid UTF-8; file names are any bytes. Every name
// comes back exactly, and the breakdown shows the escaped form.
func TestOddNamesRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := newMemStore(t)
	entries := []archive.Entry{
		{Path: "up\xffloads", Type: archive.TypeDir, Mode: 0o755},
		{Path: "up\xffloads/two\nlines", Type: archive.TypeFile, Size: 3, Mode: 0o644, SHA256: "ff"},
		{Path: "up\xffloads/\x1b[31mred", Type: archive.TypeSymlink, Link: "C:\\fake\xfe", Mode: 0o777},
		{Path: "Photo.jpg", Type: archive.TypeFile, Size: 1, Mode: 0o644},
		{Path: "photo.jpg", Type: archive.TypeHardlink, Link: "Photo.jpg", Mode: 0o644},
	}
	id, err := s.InsertCompletedBackup(ctx, sampleBackup(1, "odd.tar.gz", fixedTime), entries)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.BackupEntries(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, entries) {
		t.Fatalf("\n got %+v\nwant %+v", got, entries)
	}
	sizes, err := s.SizeBreakdown(ctx, id, 2)
	if err != nil {
		t.Fatal(err)
	}
	if want := []DirSize{{`up\xffloads/two\nlines`, 3, 1}, {"Photo.jpg", 1, 1}}; !reflect.DeepEqual(sizes, want) {
		t.Errorf("breakdown: got %+v, want %+v", sizes, want)
	}
}

func TestSizeBreakdown(t *testing.T) {
	ctx := context.Background()
	s := newMemStore(t)
	file := func(p string, size int64) archive.Entry {
		return archive.Entry{Path: p, Type: archive.TypeFile, Size: size, Mode: 0o644}
	}
	entries := []archive.Entry{
		{Path: "data", Type: archive.TypeDir},
		{Path: "data/db", Type: archive.TypeDir},
		file("data/db/a", 100),
		file("data/db/b", 50),
		file("data/c", 10),
		{Path: "data/link", Type: archive.TypeSymlink, Link: "c"},
		{Path: "empty", Type: archive.TypeDir},
		file("app/x", 30),
		file("top.txt", 5),
	}
	id, err := s.InsertCompletedBackup(ctx, sampleBackup(1, "sizes.tar.gz", fixedTime), entries)
	if err != nil {
		t.Fatal(err)
	}
	// Another backup's entries never count.
	if _, err := s.InsertCompletedBackup(ctx, sampleBackup(1, "other.tar.gz", fixedTime),
		[]archive.Entry{file("data/db/a", 1<<30)}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		depth int
		want  []DirSize
	}{
		{1, []DirSize{{"data", 160, 3}, {"app", 30, 1}, {"top.txt", 5, 1}}},
		{0, []DirSize{{"data", 160, 3}, {"app", 30, 1}, {"top.txt", 5, 1}}},
		{2, []DirSize{{"data/db", 150, 2}, {"app/x", 30, 1}, {"data/c", 10, 1}, {"top.txt", 5, 1}}},
		{5, []DirSize{{"data/db/a", 100, 1}, {"data/db/b", 50, 1}, {"app/x", 30, 1}, {"data/c", 10, 1}, {"top.txt", 5, 1}}},
	}
	for _, tt := range tests {
		got, err := s.SizeBreakdown(ctx, id, tt.depth)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("depth %d: got %v, want %v", tt.depth, got, tt.want)
		}
	}
	if got, err := s.SizeBreakdown(ctx, 999, 1); err != nil || got == nil || len(got) != 0 {
		t.Fatalf("missing backup: %v, %v; want an empty slice", got, err)
	}
}

// An error that names an odd file holds bytes that are not UTF-8, which
// DuckDB refuses to bind: recording the failure must still work, with the
// stray bytes escaped, or the record stays in_progress.
func TestFailureNamingAnOddFileIsRecorded(t *testing.T) {
	ctx := context.Background()
	s := newMemStore(t)
	reason := "scan: open data/r\xe9sum\xe9.pdf: permission denied"
	want := `scan: open data/r\xe9sum\xe9.pdf: permission denied`
	id, err := s.InsertBackup(ctx, sampleBackup(1, "odd.tar.gz", fixedTime))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.FailBackup(ctx, id, reason); err != nil {
		t.Fatalf("FailBackup: %v", err)
	}
	if b, err := s.GetBackup(ctx, id); err != nil || b.Status != StatusFailed || b.Error != want {
		t.Errorf("backup: got %q %q %v, want failed %q", b.Status, b.Error, err, want)
	}
	op, err := s.BeginOperation(ctx, Operation{Kind: "backup", Step: "started"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.FinishOperation(ctx, op, OpFailed, reason); err != nil {
		t.Fatalf("FinishOperation: %v", err)
	}
	if o, err := s.GetOperation(ctx, op); err != nil || o.Error != want {
		t.Errorf("operation: got %q %v, want %q", o.Error, err, want)
	}
	up, err := s.InsertUpgrade(ctx, Upgrade{ToVersion: "2", Status: UpgradeRunning})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateUpgrade(ctx, Upgrade{ID: up, ToVersion: "2", Status: UpgradeFailed, Error: reason}); err != nil {
		t.Fatalf("UpdateUpgrade: %v", err)
	}
	if u, err := s.GetUpgrade(ctx, up); err != nil || u.Error != want {
		t.Errorf("upgrade: got %q %v, want %q", u.Error, err, want)
	}
}
