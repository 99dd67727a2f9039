// Command archive compares Rewind's archive writer with GNU tar on one corpus,
// in the same run, as docs/architecture.md ("Resources") asks: create speed as a multiple of
// `tar -czf`, archive size as a multiple of gzip -6 (what `tar -czf` writes)
// and peak RSS. Each tool runs in its own child process, interleaved, and
// the medians of -runs rounds are reported.
//
//	go run ./.ci/bench/corpus -out CORPUS -scale 0.25
//	go run ./.ci/bench/archive -dir CORPUS [-runs 3] [-strict]
//
// It exits non-zero when a goal of docs/architecture.md is missed and -strict is set.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"rewind/backend/archive"
)

// Goals from docs/architecture.md ("Resources").
const (
	goalGzipSpeedup = 6.0
	goalZstdSpeedup = 10.0
	goalSizeRatio   = 1.10
	goalPeakRSS     = 200 << 20
)

// level is the -level flag, passed on to the child processes.
var level int

type measurement struct {
	seconds float64
	cpu     float64 // user + system seconds, children included
	size    int64
	rss     int64 // bytes
}

type tool struct {
	name string
	cmd  func(out string) *exec.Cmd
}

func main() {
	dir := flag.String("dir", "", "corpus directory")
	runs := flag.Int("runs", 3, "rounds; medians are reported")
	tmp := flag.String("tmp", "", "directory for the archives (default: a new temp dir)")
	strict := flag.Bool("strict", false, "exit 1 when a goal is missed")
	child := flag.String("child", "", "internal: run one Rewind write (gzip|zstd) or verify")
	out := flag.String("o", "", "internal: output archive")
	flag.IntVar(&level, "level", 0, "compression level for Rewind (0 = its default)")
	flag.Parse()
	if *child != "" {
		if err := runChild(*child, *dir, *out); err != nil {
			fmt.Fprintln(os.Stderr, "archive bench:", err)
			os.Exit(1)
		}
		return
	}
	if *dir == "" {
		fmt.Fprintln(os.Stderr, "usage: archive -dir CORPUS [-runs N] [-tmp DIR] [-strict]")
		os.Exit(2)
	}
	ok, err := compare(*dir, *tmp, *runs)
	if err != nil {
		fmt.Fprintln(os.Stderr, "archive bench:", err)
		os.Exit(1)
	}
	if *strict && !ok {
		os.Exit(1)
	}
}

// runChild is one measured Rewind operation in its own process.
func runChild(mode, dir, out string) error {
	ctx := context.Background()
	start := time.Now()
	var size int64
	switch mode {
	case "gzip", "zstd":
		plan, err := archive.Scan(ctx, dir, nil)
		if err != nil {
			return err
		}
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		bw := bufio.NewWriterSize(f, 1<<20)
		res, err := archive.Write(ctx, bw, dir, plan, archive.Manifest{Deployment: "bench"},
			archive.WriteOptions{Compression: archive.Compression(mode), Level: level})
		if err == nil {
			err = bw.Flush()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		size = res.Size
	case "verify":
		f, err := os.Open(out)
		if err != nil {
			return err
		}
		defer f.Close()
		res, err := archive.Verify(ctx, bufio.NewReaderSize(f, 1<<20), nil)
		if err != nil {
			return err
		}
		size = res.Size
	default:
		return fmt.Errorf("unknown child mode %q", mode)
	}
	return json.NewEncoder(os.Stdout).Encode(map[string]any{"seconds": time.Since(start).Seconds(), "size": size})
}

func compare(dir, tmp string, runs int) (bool, error) {
	if tmp == "" {
		var err error
		if tmp, err = os.MkdirTemp("", "rewind-bench-"); err != nil {
			return false, err
		}
		defer os.RemoveAll(tmp)
	}
	self, err := os.Executable()
	if err != nil {
		return false, err
	}
	corpus, err := warm(dir)
	if err != nil {
		return false, err
	}
	rewind := func(mode string) func(string) *exec.Cmd {
		return func(out string) *exec.Cmd {
			return exec.Command(self, "-child", mode, "-level", fmt.Sprint(level), "-dir", dir, "-o", out)
		}
	}
	tools := []tool{
		{"GNU tar -czf", func(out string) *exec.Cmd { return exec.Command("tar", "-czf", out, "-C", dir, ".") }},
		{"Rewind gzip", rewind("gzip")},
		{"Rewind verify (gzip)", rewind("verify")},
		{"Rewind zstd", rewind("zstd")},
	}
	outs := map[string]string{
		"GNU tar -czf": "gnu.tar.gz", "Rewind gzip": "rewind.tar.gz",
		"Rewind verify (gzip)": "rewind.tar.gz", "Rewind zstd": "rewind.tar.zst",
	}
	results := map[string][]measurement{}
	for range runs {
		for _, t := range tools {
			m, err := measure(t, filepath.Join(tmp, outs[t.name]))
			if err != nil {
				return false, fmt.Errorf("%s: %w", t.name, err)
			}
			results[t.name] = append(results[t.name], m)
		}
	}
	return report(corpus, tools, results, runs), nil
}

// measure runs one tool and takes its wall time, output size and peak RSS.
func measure(t tool, out string) (measurement, error) {
	cmd := t.cmd(out)
	cmd.Stderr = os.Stderr
	start := time.Now()
	stdout, err := cmd.Output()
	secs := time.Since(start).Seconds()
	if err != nil {
		return measurement{}, err
	}
	var child struct {
		Seconds float64 `json:"seconds"`
	}
	if json.Unmarshal(stdout, &child) == nil && child.Seconds > 0 {
		secs = child.Seconds // excludes process start
	}
	m := measurement{seconds: secs, cpu: (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.rss = ru.Maxrss << 10
	}
	if fi, err := os.Stat(out); err == nil {
		m.size = fi.Size()
	}
	return m, nil
}

func report(corpus int64, tools []tool, results map[string][]measurement, runs int) bool {
	med := func(name string) measurement {
		ms := results[name]
		pick := func(f func(measurement) float64) float64 {
			v := make([]float64, len(ms))
			for i, m := range ms {
				v[i] = f(m)
			}
			slices.Sort(v)
			return v[len(v)/2]
		}
		return measurement{
			seconds: pick(func(m measurement) float64 { return m.seconds }),
			cpu:     pick(func(m measurement) float64 { return m.cpu }),
			size:    int64(pick(func(m measurement) float64 { return float64(m.size) })),
			rss:     int64(pick(func(m measurement) float64 { return float64(m.rss) })),
		}
	}
	base := med("GNU tar -czf")
	fmt.Printf("corpus %.0f MB, %d runs, medians\n", float64(corpus)/1e6, runs)
	fmt.Printf("%-22s %9s %8s %9s %12s %9s %9s\n", "tool", "MB/s", "vs tar", "CPU s", "size MB", "vs gz-6", "RSS MB")
	for _, t := range tools {
		m := med(t.name)
		fmt.Printf("%-22s %9.1f %7.2fx %9.2f %12.1f %9.3f %9.1f\n", t.name, float64(corpus)/1e6/m.seconds,
			base.seconds/m.seconds, m.cpu, float64(m.size)/1e6, float64(m.size)/float64(base.size), float64(m.rss)/1e6)
	}
	gz, zs := med("Rewind gzip"), med("Rewind zstd")
	checks := []struct {
		name string
		ok   bool
	}{
		{fmt.Sprintf("gzip create >= %.0fx tar -czf", goalGzipSpeedup), base.seconds/gz.seconds >= goalGzipSpeedup},
		{fmt.Sprintf("gzip size <= %.2fx gzip -6", goalSizeRatio), float64(gz.size) <= goalSizeRatio*float64(base.size)},
		{fmt.Sprintf("zstd create >= %.0fx tar -czf", goalZstdSpeedup), base.seconds/zs.seconds >= goalZstdSpeedup},
		{"peak RSS < 200 MB", gz.rss < goalPeakRSS && zs.rss < goalPeakRSS && med("Rewind verify (gzip)").rss < goalPeakRSS},
	}
	ok := true
	for _, c := range checks {
		status := "ok"
		if !c.ok {
			status, ok = "MISSED", false
		}
		fmt.Printf("goal %-32s %s\n", c.name, status)
	}
	return ok
}

// warm reads every file once so all tools start with a warm page cache, and
// returns the corpus's content size.
func warm(dir string) (int64, error) {
	var total int64
	buf := make([]byte, 1<<20)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		n, err := io.CopyBuffer(io.Discard, f, buf)
		total += n
		return err
	})
	return total, err
}
