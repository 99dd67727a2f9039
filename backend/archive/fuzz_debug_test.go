package archive

import (
	"bytes"
	"context"
	"math/rand"
	"os"
	"runtime/pprof"
	"testing"
	"time"
)

func TestFuzzDebug(t *testing.T) {
	if os.Getenv("FUZZDEBUG") == "" {
		t.Skip()
	}
	seedEnv := hEnv{base: "/rewind-fuzz", staging: "/rewind-fuzz/staging", victim: "/rewind-fuzz/victim"}
	var seeds [][]byte
	for _, c := range hostileCorpus() {
		d := c.data(t, seedEnv)
		if raw, ok := hGunzip(d, 16<<10); ok && len(d) <= 16<<10 {
			seeds = append(seeds, raw)
		}
	}
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 5000; i++ {
		d := bytes.Clone(seeds[rng.Intn(len(seeds))])
		for k := rng.Intn(4) + 1; k > 0 && len(d) > 0; k-- {
			d[rng.Intn(len(d))] = byte(rng.Intn(256))
		}
		d = hGzipFast(d)
		done := make(chan struct{})
		go func() {
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				os.WriteFile("/tmp/hang.bin", d, 0o644)
				pprof.Lookup("goroutine").WriteTo(os.Stderr, 2)
				os.Exit(3)
			}
		}()
		dir := t.TempDir()
		Extract(context.Background(), bytes.NewReader(d), dir, ExtractOptions{MaxEntries: 4096, MaxBytes: 16 << 20})
		close(done)
	}
}
