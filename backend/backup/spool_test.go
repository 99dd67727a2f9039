package backup

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// writeSpool writes data through a spool in pieces of uneven size, the way
// a compressor's output arrives, and returns the spool and the file's path.
func writeSpool(t *testing.T, data []byte) (*spool, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "a.partial")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sp := newSpool(f)
	rng := rand.New(rand.NewPCG(1, 2))
	for b := data; len(b) > 0; {
		n := min(len(b), 1+rng.IntN(3<<20))
		if _, err := sp.Write(b[:n]); err != nil {
			t.Fatal(err)
		}
		b = b[n:]
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	return sp, path
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

func TestSpoolCheckAcceptsWhatWasWritten(t *testing.T) {
	for _, n := range []int{0, 1, chunkSize - 1, chunkSize, 2 * chunkSize, 3*chunkSize + 12345} {
		sp, path := writeSpool(t, randomBytes(n))
		if sp.size != int64(n) {
			t.Fatalf("size %d: spool counted %d", n, sp.size)
		}
		if err := sp.check(context.Background(), path); err != nil {
			t.Errorf("size %d: %v", n, err)
		}
	}
}

// The disk cannot be made to return other bytes on demand, so these cases
// change the file behind the spool's back, as a faulty disk or a stray
// writer would.
func TestSpoolCheckCatchesADifferentFile(t *testing.T) {
	const n = 2*chunkSize + 777
	tests := []struct {
		name   string
		change func(path string) error
	}{
		{"one byte flipped in a full chunk", func(p string) error { return flipAt(p, chunkSize+5) }},
		{"one byte flipped in the last chunk", func(p string) error { return flipAt(p, n-1) }},
		{"cut short", func(p string) error { return os.Truncate(p, n-1) }},
		{"cut at a chunk boundary", func(p string) error { return os.Truncate(p, chunkSize) }},
		{"longer", func(p string) error { return os.Truncate(p, n+1) }},
		{"gone", os.Remove},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp, path := writeSpool(t, randomBytes(n))
			if err := tt.change(path); err != nil {
				t.Fatal(err)
			}
			err := sp.check(context.Background(), path)
			if err == nil {
				t.Fatal("check passed a file that differs from what was written")
			}
			if tt.name != "gone" && !errors.Is(err, ErrChecksum) {
				t.Errorf("err = %v, want ErrChecksum", err)
			}
		})
	}
}

func TestSpoolCheckStopsWhenCanceled(t *testing.T) {
	sp, path := writeSpool(t, randomBytes(chunkSize+1))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sp.check(ctx, path); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func flipAt(path string, off int64) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	b := make([]byte, 1)
	if _, err := f.ReadAt(b, off); err != nil {
		return err
	}
	b[0] ^= 0x40
	_, err = f.WriteAt(b, off)
	return err
}
