package store

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"rewind/backend/deployment"
	"strconv"
	"strings"
	"testing"
)

// TestKilledWriterKeepsCommits kills -9 a child right after it committed and
// reopens: every acknowledged commit is there, with or without checkpoints.
func TestKilledWriterKeepsCommits(t *testing.T) {
	for _, noCkpt := range []bool{false, true} {
		t.Run("noCheckpoint="+strconv.FormatBool(noCkpt), func(t *testing.T) {
			dir := t.TempDir()
			env := envNoCkpt + "=0"
			if noCkpt {
				env = envNoCkpt + "=1"
			}
			h, line := startHelper(t, "commit", dir, env)
			idText, ok := strings.CutPrefix(line, "committed ")
			if !ok {
				t.Fatalf("child said %q", line)
			}
			h.kill(t)
			if noCkpt { // the commits live only in the WAL
				if _, err := os.Stat(filepath.Join(dir, DBFileName+".wal")); err != nil {
					t.Fatalf("no WAL after kill -9 without checkpoints: %v", err)
				}
			}
			id, _ := strconv.ParseInt(idText, 10, 64)
			s, err := Open(dir, "")
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if w := s.Warnings(); len(w) != 0 {
				t.Fatalf("warnings %v", w)
			}
			ctx := context.Background()
			b, err := s.GetBackup(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if b.Status != StatusCompleted || b.Size != 4096 || b.FileCount != 100 {
				t.Fatalf("got %+v, want a completed backup of 4096 bytes and 100 files", b)
			}
			if n, err := s.EntryCount(ctx, id); err != nil || n != 100 {
				t.Fatalf("got %d entries (%v), want 100", n, err)
			}
			var lang string
			if found, err := s.GetConfig(ctx, "ui.language", &lang); err != nil || !found || lang != "zh-CN" {
				t.Fatalf("config: got %q found=%v err=%v", lang, found, err)
			}
		})
	}
}

// leaveWAL creates a catalog whose last commit lives only in the WAL.
func leaveWAL(t *testing.T, dir string) {
	t.Helper()
	s, err := Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	s.noCheckpoint = true
	if _, err := s.db.Exec(`PRAGMA disable_checkpoint_on_shutdown`); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateDeployment(context.Background(), deployment.Deployment{Name: "only-in-wal", Path: "/srv/x"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestCorruptWALIsMovedAside(t *testing.T) {
	dir := t.TempDir()
	leaveWAL(t, dir)
	wal := filepath.Join(dir, DBFileName+".wal")
	b, err := os.ReadFile(wal) // the store is closed: reading by path is safe here
	if err != nil {
		t.Fatalf("no WAL left: %v", err)
	}
	for i := len(b) / 3; i < len(b)/3+16 && i < len(b); i++ {
		b[i] ^= 0xff
	}
	if err := os.WriteFile(wal, b, 0o600); err != nil {
		t.Fatal(err)
	}

	s, err := Open(dir, "")
	if err != nil {
		t.Fatalf("Open with a corrupt WAL: %v", err)
	}
	defer s.Close()
	warnings := s.Warnings()
	if len(warnings) != 2 || !strings.Contains(warnings[0], "write-ahead log") || !strings.Contains(warnings[1], SettingsFileName) {
		t.Fatalf("warnings %q, want one about the write-ahead log, one about the settings restored", warnings)
	}
	matches, _ := filepath.Glob(wal + ".corrupt-*")
	if len(matches) != 1 {
		t.Fatalf("moved-aside WAL files: %v, want 1", matches)
	}
	kept, err := os.ReadFile(matches[0])
	if err != nil || !bytes.Equal(kept, b) {
		t.Fatalf("the moved-aside WAL differs from the original (err %v)", err)
	}
	ctx := context.Background()
	// The WAL was not replayed, but the deployment it held comes back from
	// the settings file, and its backups are to be rebuilt.
	if d, err := s.DeploymentByName(ctx, "only-in-wal"); err != nil || d.Path != "/srv/x" {
		t.Fatalf("DeploymentByName: %+v, %v; want it restored from %s", d, err, SettingsFileName)
	}
	if pending, _, err := s.PendingRebuild(ctx); err != nil || !pending {
		t.Fatalf("PendingRebuild: %v, %v; want true", pending, err)
	}
	if _, err := s.CreateDeployment(ctx, deployment.Deployment{Name: "after", Path: "/srv/after"}); err != nil {
		t.Fatalf("catalog unusable after recovery: %v", err)
	}
}

// TestDamagedFileKeepsItsWAL: when the database file, not the WAL, is what
// DuckDB refuses, the WAL is put back and then kept, unchanged, with the
// damaged file it belongs to.
func TestDamagedFileKeepsItsWAL(t *testing.T) {
	dir := t.TempDir()
	leaveWAL(t, dir)
	wal := filepath.Join(dir, DBFileName+".wal")
	before, err := os.ReadFile(wal)
	if err != nil {
		t.Fatal(err)
	}
	garbage := bytes.Repeat([]byte("not a database "), 1000)
	if err := os.WriteFile(filepath.Join(dir, DBFileName), garbage, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir, "")
	if err != nil {
		t.Fatalf("Open of a garbage database file: %v", err)
	}
	defer s.Close()
	aside, _ := filepath.Glob(filepath.Join(dir, DBFileName+".broken-*"))
	if len(aside) != 2 { // the file and its WAL
		t.Fatalf("kept %v, want the damaged file and its WAL", aside)
	}
	if got, err := os.ReadFile(aside[0]); err != nil || !bytes.Equal(got, garbage) {
		t.Fatalf("the damaged file was not kept unchanged (err %v)", err)
	}
	if got, err := os.ReadFile(aside[0] + ".wal"); err != nil || !bytes.Equal(got, before) {
		t.Fatalf("its WAL was not kept unchanged (err %v)", err)
	}
	if matches, _ := filepath.Glob(wal + ".corrupt-*"); len(matches) != 0 {
		t.Fatalf("left behind %v", matches)
	}
}

func TestAsideNameAvoidsCollisions(t *testing.T) {
	dir := t.TempDir()
	wal := filepath.Join(dir, "x.wal")
	first := asideName(wal, "corrupt", fixedTime)
	if err := os.WriteFile(first, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	second := asideName(wal, "corrupt", fixedTime)
	if first != wal+".corrupt-20250102T030405Z" || second != first+"-2" {
		t.Fatalf("got %q then %q", first, second)
	}
}
