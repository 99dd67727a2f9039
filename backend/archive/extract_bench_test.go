//go:build linux

package archive

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

func BenchmarkExtractSmall(b *testing.B) {
	data := hSmallValid().build(b)
	base := b.TempDir()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		dir := filepath.Join(base, strconv.Itoa(i))
		if err := os.MkdirAll(dir, 0o700); err != nil {
			b.Fatal(err)
		}
		if _, err := Extract(context.Background(), bytes.NewReader(data), dir, ExtractOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// hBenchTree is a deployment-like tree: many small files in nested
// directories and a few large ones, with text-like, compressible content.
func hBenchTree(small, large int) *hArchive {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"services", "image", "volume", "restart", "always", "environment", "ports", "postgres", "nginx", "data"}
	text := func(n int) string {
		var sb bytes.Buffer
		for sb.Len() < n {
			fmt.Fprintf(&sb, "%s %d %s\n", words[rng.IntN(len(words))], rng.IntN(1<<20), words[rng.IntN(len(words))])
		}
		return sb.String()[:n]
	}
	var es []hEntry
	for d := range small / 100 {
		dir := fmt.Sprintf("app/mod%03d", d)
		if d%10 == 0 {
			es = append(es, hDir(fmt.Sprintf("app/mod%03d", d)[:len("app")]))
		}
		es = append(es, hDir(dir))
		for f := range 100 {
			es = append(es, hFile(fmt.Sprintf("%s/file%03d.txt", dir, f), text(512+rng.IntN(15<<10))))
		}
	}
	es = append(es, hDir("data"))
	for i := range large {
		es = append(es, hFile(fmt.Sprintf("data/blob%d.bin", i), text(16<<20)))
	}
	return &hArchive{entries: hDedupDirs(es)}
}

func hDedupDirs(es []hEntry) []hEntry {
	seen := map[string]bool{}
	out := es[:0]
	for _, e := range es {
		if seen[e.hdr.Name] {
			continue
		}
		seen[e.hdr.Name] = true
		out = append(out, e)
	}
	return out
}

// BenchmarkExtractTree compares Extract with GNU tar -xzf on the same
// archive (set REWIND_BENCH_TREE=1; it builds about 150 MB in memory).
func BenchmarkExtractTree(b *testing.B) {
	if os.Getenv("REWIND_BENCH_TREE") == "" {
		b.Skip("set REWIND_BENCH_TREE=1")
	}
	a := hBenchTree(10000, 4)
	data := a.build(b)
	archive := filepath.Join(b.TempDir(), "a.tar.gz")
	if err := os.WriteFile(archive, data, 0o600); err != nil {
		b.Fatal(err)
	}
	b.Logf("archive %d bytes compressed", len(data))
	base := b.TempDir()
	n := 0
	fresh := func() string {
		n++
		dir := filepath.Join(base, strconv.Itoa(n))
		if err := os.Mkdir(dir, 0o700); err != nil {
			b.Fatal(err)
		}
		return dir
	}
	run := map[string]func(dir string) error{
		"rewind": func(dir string) error {
			_, err := Extract(context.Background(), bytes.NewReader(data), dir, ExtractOptions{})
			return err
		},
		"rewind-2w": func(dir string) error {
			_, err := Extract(context.Background(), bytes.NewReader(data), dir, ExtractOptions{Workers: 2})
			return err
		},
		"rewind-sync": func(dir string) error {
			_, err := Extract(context.Background(), bytes.NewReader(data), dir, ExtractOptions{Sync: true})
			return err
		},
		"gnu-tar": func(dir string) error {
			return exec.Command("tar", "-xzf", archive, "-C", dir).Run()
		},
	}
	for _, name := range []string{"gnu-tar", "rewind", "rewind-2w", "gnu-tar", "rewind", "rewind-2w", "rewind-sync"} {
		b.Run(name, func(b *testing.B) {
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				dir := fresh()
				before := hCPU()
				b.StartTimer()
				if err := run[name](dir); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				cpu += hCPU() - before
				if err := os.RemoveAll(dir); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
		})
	}
}

// hCPU is the user+system time of this process and its waited-for children.
func hCPU() time.Duration {
	var total time.Duration
	for _, who := range []int{syscall.RUSAGE_SELF, syscall.RUSAGE_CHILDREN} {
		var ru syscall.Rusage
		if err := syscall.Getrusage(who, &ru); err == nil {
			total += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		}
	}
	return total
}
