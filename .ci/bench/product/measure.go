package main

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"
)

// sample is one measured run of one tool.
type sample struct {
	wall   float64            // seconds, the whole child process
	cpu    float64            // user + system seconds of the child and its children
	rss    int64              // peak resident set in bytes
	size   int64              // archive bytes (backups)
	timed  float64            // seconds that count for the ratio: the whole command, as the admin waits for it
	staged float64            // Rewind restores: seconds of its phases up to the start, in process (beside the ratio, never instead)
	safety float64            // seconds spent on the pre-restore safety copy (Rewind restores)
	phases map[string]float64 // milliseconds per phase (Rewind restores)
}

// run executes cmd, first flushing dirty pages so that no tool pays for the
// previous one's writes, and measures it. It returns the child's stdout.
func run(cmd *exec.Cmd) (sample, []byte, error) {
	syscall.Sync()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start).Seconds()
	if err != nil {
		return sample{}, nil, fmt.Errorf("%s: %w: %s", strings.Join(cmd.Args, " "), err, lastLine(stderr.String()))
	}
	s := sample{wall: wall, timed: wall, cpu: (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		s.rss = ru.Maxrss << 10
	}
	return s, stdout.Bytes(), nil
}

// lastLine is the last non-empty line of a child's stderr, for errors.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// median of the values f picks from the samples.
func median(ss []sample, f func(sample) float64) float64 {
	if len(ss) == 0 {
		return 0
	}
	v := make([]float64, len(ss))
	for i, s := range ss {
		v[i] = f(s)
	}
	slices.Sort(v)
	if len(v)%2 == 0 {
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	return v[len(v)/2]
}

// summary is the per-metric median of a tool's samples.
func summary(ss []sample) sample {
	m := sample{
		wall:   median(ss, func(s sample) float64 { return s.wall }),
		cpu:    median(ss, func(s sample) float64 { return s.cpu }),
		rss:    int64(median(ss, func(s sample) float64 { return float64(s.rss) })),
		size:   int64(median(ss, func(s sample) float64 { return float64(s.size) })),
		timed:  median(ss, func(s sample) float64 { return s.timed }),
		staged: median(ss, func(s sample) float64 { return s.staged }),
		safety: median(ss, func(s sample) float64 { return s.safety }),
	}
	for _, s := range ss {
		for k := range s.phases {
			if m.phases == nil {
				m.phases = map[string]float64{}
			}
			if _, done := m.phases[k]; !done {
				m.phases[k] = median(ss, func(s sample) float64 { return s.phases[k] })
			}
		}
	}
	return m
}

// maxRSS is the largest peak RSS among the samples.
func maxRSS(ss []sample) int64 {
	var m int64
	for _, s := range ss {
		m = max(m, s.rss)
	}
	return m
}

// tree is what a directory holds: regular files and their bytes.
type tree struct {
	files, bytes int64
}

// walk counts the regular files under dir, skipping Rewind's .rewind
// directory at the root; with read set it also reads every byte once, which
// warms the page cache.
func walk(dir string, read bool) (tree, error) {
	var t tree
	buf := make([]byte, 1<<20)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".rewind" && filepath.Dir(p) == filepath.Clean(dir) {
			return filepath.SkipDir
		}
		if !d.Type().IsRegular() {
			return nil
		}
		t.files++
		if !read {
			fi, err := d.Info()
			if err != nil {
				return err
			}
			t.bytes += fi.Size()
			return nil
		}
		n, err := readAll(p, buf)
		t.bytes += n
		return err
	})
	return t, err
}

// readAll reads a file to the end and returns its length.
func readAll(path string, buf []byte) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	return io.CopyBuffer(io.Discard, f, buf)
}

// removeAll deletes a tree outside any timing and flushes the deletion, so
// that the next tool does not pay for it.
func removeAll(paths ...string) error {
	for _, p := range paths {
		if err := os.RemoveAll(p); err != nil {
			return err
		}
	}
	syscall.Sync()
	return nil
}
