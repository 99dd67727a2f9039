package store

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkCompleteBackup20000 measures recording a 20,000-entry backup on a
// file catalog: the record update and the Appender insert in one transaction,
// with and without the CHECKPOINT that follows.
func BenchmarkCompleteBackup20000(b *testing.B) {
	for _, ckpt := range []bool{true, false} {
		b.Run(fmt.Sprint("checkpoint=", ckpt), func(b *testing.B) {
			ctx := context.Background()
			s, err := Open(b.TempDir(), "")
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			s.noCheckpoint = !ckpt
			entries := sampleEntries(20000)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				id, err := s.InsertBackup(ctx, sampleBackup(1, fmt.Sprint("bench-", i), fixedTime))
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if err := s.CompleteBackup(ctx, id, 1, 20000, "", nil, entries); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBackupEntries20000 measures reading a 20,000-entry backup back.
func BenchmarkBackupEntries20000(b *testing.B) {
	ctx := context.Background()
	s, err := Open(b.TempDir(), "")
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	id, err := s.InsertCompletedBackup(ctx, sampleBackup(1, "bench", fixedTime), sampleEntries(20000))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.BackupEntries(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}
