package store

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

func sampleBackup(depID int64, name string, created time.Time) Backup {
	return Backup{
		DeploymentID: depID, Name: name, Type: "pre-upgrade", Version: "1.2.3",
		Path: "/var/backups/" + name, Compression: "zstd", Description: `before "2.0" — 升级前`,
		CreatedAt: created,
	}
}

func TestBackupLifecycle(t *testing.T) {
	ctx := context.Background()
	stores(t, func(t *testing.T, s *Store) {
		created := time.Date(2025, 6, 7, 8, 9, 10, 987654321, time.FixedZone("CEST", 2*3600))
		in := sampleBackup(7, "backup_pre-upgrade_v1.2.3_2025-06-07_06-09-10.tar.zst", created)
		expires := created.Add(30 * 24 * time.Hour)
		in.ExpiresAt = &expires
		id, err := s.InsertBackup(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.GetBackup(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		wantCreated := created.UTC().Truncate(time.Microsecond)
		wantExpires := expires.UTC().Truncate(time.Microsecond)
		if got.Origin != OriginCreated || time.Since(got.RecordedAt) > time.Minute || got.RecordedAt.After(time.Now()) {
			t.Errorf("recorded %v with origin %q, want now and %q", got.RecordedAt, got.Origin, OriginCreated)
		}
		want := in
		want.ID, want.Status, want.CreatedAt, want.ExpiresAt = id, StatusInProgress, wantCreated, &wantExpires
		want.RecordedAt, want.Origin, want.Warnings = got.RecordedAt, OriginCreated, []string{}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("after insert\n got %+v\nwant %+v", got, want)
		}

		meta := json.RawMessage(`{"formatVersion":1,"version":"1.2.3","note":"quote \" ü"}`)
		hash := strings.Repeat("0f", 32)
		entries := sampleEntries(3)
		if err := s.CompleteBackup(ctx, id, 123456789, 3, hash, meta, entries); err != nil {
			t.Fatal(err)
		}
		got, err = s.BackupByName(ctx, in.Name)
		if err != nil {
			t.Fatal(err)
		}
		want.Status, want.Size, want.FileCount, want.SHA256 = StatusCompleted, 123456789, 3, hash
		var gotMeta, wantMeta any
		_ = json.Unmarshal(got.Metadata, &gotMeta)
		_ = json.Unmarshal(meta, &wantMeta)
		if !reflect.DeepEqual(gotMeta, wantMeta) {
			t.Fatalf("metadata %s, want %s", got.Metadata, meta)
		}
		want.Metadata = got.Metadata
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("after complete\n got %+v\nwant %+v", got, want)
		}

		verified := time.Date(2025, 6, 8, 0, 0, 0, 1000, time.UTC)
		steps := []struct {
			name   string
			do     func() error
			status string
			errMsg string
		}{
			{"verify", func() error { return s.SetVerified(ctx, id, verified) }, StatusCompleted, ""},
			{"corrupt", func() error { return s.MarkCorrupt(ctx, id, "hash mismatch") }, StatusCorrupt, "hash mismatch"},
			{"re-verify", func() error { return s.SetVerified(ctx, id, verified) }, StatusCompleted, ""},
			{"move", func() error { return s.SetBackupPath(ctx, id, "/mnt/new/"+in.Name) }, StatusCompleted, ""},
			{"fail", func() error { return s.FailBackup(ctx, id, "disk full") }, StatusFailed, "disk full"},
		}
		for _, st := range steps {
			if err := st.do(); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			b, err := s.GetBackup(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if b.Status != st.status || b.Error != st.errMsg {
				t.Fatalf("%s: status %q error %q, want %q %q", st.name, b.Status, b.Error, st.status, st.errMsg)
			}
		}
		b, _ := s.GetBackup(ctx, id)
		if b.VerifiedAt == nil || !b.VerifiedAt.Equal(verified) || b.VerifiedAt.Location() != time.UTC {
			t.Fatalf("verifiedAt %v, want %v UTC", b.VerifiedAt, verified)
		}
		if b.Path != "/mnt/new/"+in.Name {
			t.Fatalf("path %q", b.Path)
		}

		if err := s.DeleteBackup(ctx, id); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetBackup(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Fatalf("after delete: %v", err)
		}
		if n, _ := s.EntryCount(ctx, id); n != 0 {
			t.Fatalf("%d entries left after delete", n)
		}
		if err := s.DeleteBackup(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Fatalf("second delete: %v", err)
		}
	})
}

func TestBackupErrors(t *testing.T) {
	ctx := context.Background()
	s := newMemStore(t)
	first := sampleBackup(1, "dup.tar.gz", fixedTime)
	if _, err := s.InsertBackup(ctx, first); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		do   func() error
		want error
	}{
		{"duplicate name", func() error { _, err := s.InsertBackup(ctx, first); return err }, ErrDuplicateName},
		{"duplicate adopted", func() error {
			_, err := s.InsertCompletedBackup(ctx, first, sampleEntries(2))
			return err
		}, ErrDuplicateName},
		{"relative path", func() error {
			b := sampleBackup(1, "r.tar.gz", fixedTime)
			b.Path = "backups/r.tar.gz"
			_, err := s.InsertBackup(ctx, b)
			return err
		}, ErrInvalid},
		{"bad metadata", func() error {
			return s.CompleteBackup(ctx, 1, 1, 1, "", json.RawMessage(`{"x":`), nil)
		}, ErrInvalid},
		{"complete missing", func() error { return s.CompleteBackup(ctx, 99, 1, 1, "", nil, sampleEntries(5)) }, ErrNotFound},
		{"fail missing", func() error { return s.FailBackup(ctx, 99, "x") }, ErrNotFound},
		{"verify missing", func() error { return s.SetVerified(ctx, 99, fixedTime) }, ErrNotFound},
		{"get missing", func() error { _, err := s.GetBackup(ctx, 99); return err }, ErrNotFound},
		{"by name missing", func() error { _, err := s.BackupByName(ctx, "nope"); return err }, ErrNotFound},
	}
	for _, tt := range tests {
		if err := tt.do(); !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
		}
	}
	if n, _ := s.EntryCount(ctx, 99); n != 0 {
		t.Fatalf("a failed CompleteBackup left %d entries", n)
	}
	list, _ := s.ListBackups(ctx, 0)
	if len(list) != 1 {
		t.Fatalf("%d records after the failures, want 1", len(list))
	}
}

func TestInsertCompletedBackupIsAtomic(t *testing.T) {
	ctx := context.Background()
	s := newMemStore(t)
	entries := sampleEntries(10)
	entries[7].Type = "bad\xffutf8" // DuckDB refuses invalid UTF-8 in a NOT NULL column mid-append (paths are escaped, types are not)
	_, err := s.InsertCompletedBackup(ctx, sampleBackup(1, "adopt.tar.gz", fixedTime), entries)
	if err == nil {
		t.Skip("DuckDB accepted invalid UTF-8; no mid-append failure to test")
	}
	if _, err := s.BackupByName(ctx, "adopt.tar.gz"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("record after failed adopt: %v, want ErrNotFound", err)
	}
	var n int
	if err := s.db.QueryRow(`SELECT count(*) FROM backup_entries`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d entries after failed adopt (%v)", n, err)
	}
}

func TestInsertCompletedBackup(t *testing.T) {
	ctx := context.Background()
	s := newMemStore(t)
	verified := fixedTime.Add(time.Minute)
	in := sampleBackup(3, "imported.tar.gz", fixedTime)
	in.Size, in.FileCount, in.SHA256, in.VerifiedAt = 10, 2, strings.Repeat("a", 64), &verified
	in.Metadata = json.RawMessage(`{"formatVersion":1}`)
	id, err := s.InsertCompletedBackup(ctx, in, sampleEntries(2))
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.GetBackup(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != StatusCompleted || got.SHA256 != in.SHA256 || got.VerifiedAt == nil || got.Size != 10 {
		t.Fatalf("got %+v", got)
	}
	entries, err := s.BackupEntries(ctx, id)
	if err != nil || len(entries) != 2 {
		t.Fatalf("entries %d, %v", len(entries), err)
	}
	in.Name, in.Status = "corrupt.tar.gz", StatusCorrupt
	if _, err := s.InsertCompletedBackup(ctx, in, nil); err != nil {
		t.Fatal(err)
	}
	in.Name, in.Status = "x.tar.gz", StatusInProgress
	if _, err := s.InsertCompletedBackup(ctx, in, nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("adopting an in_progress record: %v, want ErrInvalid", err)
	}
}

func TestListBackupsNewestFirst(t *testing.T) {
	ctx := context.Background()
	s := newMemStore(t)
	ins := []struct {
		dep  int64
		name string
		at   time.Time
	}{
		{1, "b1", fixedTime},
		{1, "b2", fixedTime.Add(2 * time.Hour)},
		{2, "other", fixedTime.Add(3 * time.Hour)},
		{1, "b3", fixedTime.Add(time.Hour)},
		{1, "b4-same-second-as-b2", fixedTime.Add(2 * time.Hour)},
	}
	for _, in := range ins {
		if _, err := s.InsertBackup(ctx, sampleBackup(in.dep, in.name, in.at)); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		dep  int64
		want []string
	}{
		{1, []string{"b4-same-second-as-b2", "b2", "b3", "b1"}},
		{2, []string{"other"}},
		{0, []string{"other", "b4-same-second-as-b2", "b2", "b3", "b1"}},
		{9, []string{}},
	}
	for _, tt := range tests {
		list, err := s.ListBackups(ctx, tt.dep)
		if err != nil {
			t.Fatal(err)
		}
		got := []string{}
		for _, b := range list {
			got = append(got, b.Name)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("deployment %d: got %q, want %q", tt.dep, got, tt.want)
		}
		if list == nil {
			t.Errorf("deployment %d: nil slice", tt.dep)
		}
	}
}

func TestBackupJSON(t *testing.T) {
	verified := fixedTime
	b := Backup{ID: 1, DeploymentID: 2, Name: "n", Type: "manual", Status: StatusFailed,
		CreatedAt: fixedTime, VerifiedAt: &verified, Error: "x", Metadata: json.RawMessage(`{}`)}
	raw, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	var got []string
	for k := range m {
		got = append(got, k)
	}
	sort.Strings(got)
	want := []string{"compression", "createdAt", "description", "error", "fileCount", "id", "name",
		"path", "sha256", "size", "status", "type", "verifiedAt", "version", "warnings"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("keys %q, want %q", got, want)
	}
	if m["createdAt"] != "2025-01-02T03:04:05Z" {
		t.Fatalf("createdAt %v", m["createdAt"])
	}
}

// BeginBackup and FinishBackup are the single commits of a backup's recorded and completed steps: the record
// and its operation appear, and end, together.
func TestBeginAndFinishBackupCommitTogether(t *testing.T) {
	ctx := context.Background()
	stores(t, func(t *testing.T, s *Store) {
		in := sampleBackup(3, "backup_manual_v1_2025-01-01_00-00-00.tar.gz", fixedTime)
		type facts struct {
			BackupID int64 `json:"backupId"`
		}
		id, opID, err := s.BeginBackup(ctx, in, Operation{DeploymentID: 3, Kind: "backup", Step: "recorded"},
			func(id int64) any { return facts{id} })
		if err != nil {
			t.Fatal(err)
		}
		op, err := s.GetOperation(ctx, opID)
		if err != nil {
			t.Fatal(err)
		}
		var f facts
		if err := json.Unmarshal(op.Facts, &f); err != nil || f.BackupID != id || op.State != OpRunning || op.Step != "recorded" {
			t.Fatalf("operation %+v (facts %s), want running at recorded naming backup %d", op, op.Facts, id)
		}
		if b, err := s.GetBackup(ctx, id); err != nil || b.Status != StatusInProgress {
			t.Fatalf("backup %+v, %v: want in_progress", b, err)
		}

		// A taken name: neither row is written.
		before, _ := s.UnfinishedOperations(ctx)
		_, _, err = s.BeginBackup(ctx, in, Operation{DeploymentID: 3, Kind: "backup"}, func(int64) any { return facts{} })
		if !errors.Is(err, ErrDuplicateName) {
			t.Fatalf("duplicate name: err = %v, want ErrDuplicateName", err)
		}
		if after, _ := s.UnfinishedOperations(ctx); len(after) != len(before) {
			t.Fatalf("a refused BeginBackup left an operation: %d running, was %d", len(after), len(before))
		}

		if err := s.FinishBackup(ctx, opID, id, 10, 1, strings.Repeat("ab", 32), nil, sampleEntries(1), nil); err != nil {
			t.Fatal(err)
		}
		if op, _ := s.GetOperation(ctx, opID); op.State != OpSucceeded || op.FinishedAt == nil {
			t.Errorf("operation after FinishBackup: %+v, want succeeded", op)
		}
		if b, _ := s.GetBackup(ctx, id); b.Status != StatusCompleted || b.Size != 10 {
			t.Errorf("backup after FinishBackup: %+v, want completed, size 10", b)
		}

		// An unknown operation rolls the whole commit back.
		id2, _, err := s.BeginBackup(ctx, sampleBackup(3, "second.tar.gz", fixedTime), Operation{Kind: "backup"},
			func(id int64) any { return facts{id} })
		if err != nil {
			t.Fatal(err)
		}
		if err := s.FinishBackup(ctx, 9999, id2, 10, 1, "", nil, nil, nil); !errors.Is(err, ErrNotFound) {
			t.Fatalf("unknown operation: err = %v, want ErrNotFound", err)
		}
		if b, _ := s.GetBackup(ctx, id2); b.Status != StatusInProgress {
			t.Errorf("backup completed although its operation was unknown: %+v", b)
		}
	})
}

// The warnings a backup completed with are kept with its record, across a
// reopen of the catalog; a record without any reads as an empty list.
func TestFinishBackupKeepsWarnings(t *testing.T) {
	ctx := context.Background()
	s, dir := newFileStore(t)
	quiet, err := s.InsertBackup(ctx, sampleBackup(3, "quiet.tar.gz", fixedTime))
	if err != nil {
		t.Fatal(err)
	}
	warned, err := s.InsertBackup(ctx, sampleBackup(3, "warned.tar.gz", fixedTime))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.FinishBackup(ctx, 0, quiet, 10, 1, "", nil, sampleEntries(1), nil); err != nil {
		t.Fatal(err)
	}
	// A warning may quote a name that is not UTF-8: it is kept escaped.
	in := []string{"data/live.db changed while it was being read", "skipped a named pipe: data/p\xff\xfe"}
	ws := []string{in[0], `skipped a named pipe: data/p\xff\xfe`}
	if err := s.FinishBackup(ctx, 0, warned, 10, 1, "", nil, sampleEntries(1), in); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	got, err := s.GetBackup(ctx, warned)
	if err != nil || !reflect.DeepEqual(got.Warnings, ws) {
		t.Errorf("warnings after reopen: %q, %v; want %q", got.Warnings, err, ws)
	}
	if got, err := s.GetBackup(ctx, quiet); err != nil || got.Warnings == nil || len(got.Warnings) != 0 {
		t.Errorf("quiet backup's warnings: %#v, %v; want an empty list", got.Warnings, err)
	}
}
