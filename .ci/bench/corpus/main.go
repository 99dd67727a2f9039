// Command corpus writes the deterministic benchmark corpus of docs/architecture.md ("Resources") into a
// directory: small text/JSON files, medium files (half text, half random) and
// large files (one page-structured like a database file, the others random).
//
//	go run ./.ci/bench/corpus -out DIR [-scale 0.25] [-seed 1]
//
// At -scale 1 it writes 20,000 small files of 1–16 KiB, 200 medium files of
// 1–8 MiB and 4 large files of 100 MiB (about 1.2 GB). -scale multiplies the
// file counts and the large files' size. The same flags give the same bytes.
package main

import (
	"bufio"
	"encoding/binary"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"
)

const (
	kib = 1 << 10
	mib = 1 << 20
)

// fixedTime is every generated file's mtime, so trees compare equal.
var fixedTime = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

func main() {
	out := flag.String("out", "", "directory to create the corpus in (must not exist or be empty)")
	scale := flag.Float64("scale", 1, "size factor: 0.05 for a quick run")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if *out == "" || *scale <= 0 || *scale > 4 {
		fmt.Fprintln(os.Stderr, "usage: corpus -out DIR [-scale 0<s<=4] [-seed N]")
		os.Exit(2)
	}
	g := &generator{root: *out, seed: *seed}
	if err := g.run(*scale); err != nil {
		fmt.Fprintln(os.Stderr, "corpus:", err)
		os.Exit(1)
	}
	fmt.Printf("corpus: %d files, %d bytes in %s\n", g.files, g.bytes, *out)
}

type generator struct {
	root         string
	seed         uint64
	files, bytes int64
}

func (g *generator) run(scale float64) error {
	small := int(math.Round(20000 * scale))
	medium := max(1, int(math.Round(200*scale)))
	large := int64(math.Round(100 * mib * scale))
	for i := range small {
		rng := g.rng(1, i)
		size := kib + rng.IntN(15*kib+1)
		name := filepath.Join("small", fmt.Sprintf("d%03d", i/100), fmt.Sprintf("f%05d.json", i))
		if err := g.file(name, int64(size), func(w *bufio.Writer, n int64) { writeText(w, rng, n, i%2 == 0) }); err != nil {
			return err
		}
	}
	for i := range medium {
		rng := g.rng(2, i)
		// Log-uniform between 1 and 8 MiB.
		size := int64(float64(mib) * math.Pow(8, rng.Float64()))
		kind, fill := "text", func(w *bufio.Writer, n int64) { writeText(w, rng, n, false) }
		if i%2 == 1 {
			kind, fill = "random", func(w *bufio.Writer, n int64) { writeRandom(w, rng, n) }
		}
		if err := g.file(filepath.Join("medium", fmt.Sprintf("m%03d.%s", i, kind)), size, fill); err != nil {
			return err
		}
	}
	for i := range 4 {
		rng := g.rng(3, i)
		name, fill := "pages.db", func(w *bufio.Writer, n int64) { writePages(w, rng, n) }
		if i > 0 {
			name, fill = fmt.Sprintf("media%d.bin", i), func(w *bufio.Writer, n int64) { writeRandom(w, rng, n) }
		}
		if err := g.file(filepath.Join("large", name), large, fill); err != nil {
			return err
		}
	}
	return nil
}

// rng returns a generator for one file, independent of every other file's.
func (g *generator) rng(kind, i int) *rand.Rand {
	return rand.New(rand.NewPCG(g.seed, uint64(kind)<<32|uint64(i)))
}

// file creates name with exactly size bytes from fill.
func (g *generator) file(name string, size int64, fill func(*bufio.Writer, int64)) error {
	p := filepath.Join(g.root, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(&limitWriter{w: f, left: size}, 256*kib)
	fill(w, size)
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	g.files++
	g.bytes += size
	return os.Chtimes(p, fixedTime, fixedTime)
}

// limitWriter keeps the first left bytes and drops the rest, so generators
// may overshoot.
type limitWriter struct {
	w    *os.File
	left int64
}

func (l *limitWriter) Write(p []byte) (int, error) {
	n := len(p)
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	if len(p) > 0 {
		if _, err := l.w.Write(p); err != nil {
			return 0, err
		}
		l.left -= int64(len(p))
	}
	return n, nil
}

var words = []string{
	"service", "container", "volume", "backup", "restore", "postgres", "redis", "nginx",
	"status", "healthy", "running", "stopped", "error", "warning", "info", "debug",
	"user", "order", "invoice", "payment", "session", "token", "request", "response",
	"the", "a", "of", "to", "and", "in", "is", "for", "with", "on", "at", "by",
}

// writeText writes about n bytes of JSON lines (json) or log-like text.
func writeText(w *bufio.Writer, rng *rand.Rand, n int64, json bool) {
	var written int64
	line := make([]byte, 0, 256)
	for id := 0; written < n; id++ {
		line = line[:0]
		if json {
			line = fmt.Appendf(line, `{"id":%d,"name":"%s %s","count":%d,"ok":%t,"tags":["%s","%s"]}`,
				id, pick(rng), pick(rng), rng.IntN(100000), rng.IntN(2) == 0, pick(rng), pick(rng))
		} else {
			line = fmt.Appendf(line, "2025-01-02T03:%02d:%02d.%03dZ %s", id/3600%60, id/60%60, rng.IntN(1000), pick(rng))
			for range 4 + rng.IntN(10) {
				line = append(append(line, ' '), pick(rng)...)
			}
			line = fmt.Appendf(line, " id=%d", rng.IntN(1<<20))
		}
		line = append(line, '\n')
		w.Write(line)
		written += int64(len(line))
	}
}

func pick(rng *rand.Rand) string { return words[rng.IntN(len(words))] }

// writeRandom writes n incompressible bytes.
func writeRandom(w *bufio.Writer, rng *rand.Rand, n int64) {
	var b [8]byte
	for i := int64(0); i < n; i += 8 {
		binary.LittleEndian.PutUint64(b[:], rng.Uint64())
		w.Write(b[:])
	}
}

// writePages writes n bytes of 8 KiB pages like a database file: a header,
// fixed-size rows with sequential keys and a few random fields, free space.
func writePages(w *bufio.Writer, rng *rand.Rand, n int64) {
	const pageSize, rowSize = 8 * kib, 96
	page := make([]byte, pageSize)
	key := uint64(0)
	for p := int64(0); p*pageSize < n; p++ {
		clear(page)
		binary.LittleEndian.PutUint64(page[0:], uint64(p))
		binary.LittleEndian.PutUint32(page[8:], 0xfeedbeef)
		rows := 40 + rng.IntN(40)
		binary.LittleEndian.PutUint16(page[12:], uint16(rows))
		for r := range rows {
			row := page[64+r*rowSize : 64+(r+1)*rowSize]
			key++
			binary.LittleEndian.PutUint64(row[0:], key)
			binary.LittleEndian.PutUint32(row[8:], uint32(rng.IntN(1000)))
			binary.LittleEndian.PutUint64(row[12:], rng.Uint64()&0xffff)
			copy(row[24:], words[int(key)%len(words)])
			copy(row[48:], "active\x00pending\x00")
		}
		w.Write(page)
	}
}
