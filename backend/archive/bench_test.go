package archive

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// benchTree is a small mixed tree: many small text and random files plus a
// 16 MiB file, half repetitive pages, half random.
func benchTree(b *testing.B) (string, *Plan) {
	b.Helper()
	root := b.TempDir()
	writeBulkTree(b, root, 400, 32<<10)
	big := make([]byte, 16<<20)
	for i := range big[:len(big)/2] {
		big[i] = byte(i / 8192 % 251) // page-like runs
	}
	seed := uint32(1)
	for i := len(big) / 2; i < len(big); i++ {
		seed = seed*1664525 + 1013904223
		big[i] = byte(seed >> 24)
	}
	if err := os.WriteFile(filepath.Join(root, "big.bin"), big, 0o644); err != nil {
		b.Fatal(err)
	}
	plan, err := Scan(context.Background(), root, nil)
	if err != nil {
		b.Fatal(err)
	}
	return root, plan
}

func benchmarkWrite(b *testing.B, c Compression) {
	root, plan := benchTree(b)
	b.SetBytes(plan.Totals.Bytes)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Write(context.Background(), io.Discard, root, plan, testManifest(), WriteOptions{Compression: c}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteGzip(b *testing.B) { benchmarkWrite(b, Gzip) }

func BenchmarkWriteZstd(b *testing.B) { benchmarkWrite(b, Zstd) }
