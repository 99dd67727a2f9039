package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
)

// Goals from docs/architecture.md ("Resources"), as ratios against GNU tar in the same run.
const (
	goalBackupGzip  = 6.0  // × tar -czf speed
	goalBackupZstd  = 10.0 // × tar -czf speed
	goalSizeRatio   = 1.10 // × gzip -6 size
	goalRestoreGzip = 1.3  // × tar -xzf speed
	goalRestoreZstd = 2.0  // × tar -xzf speed
	goalPeakRSS     = 200 << 20
)

// goal is one checked goal of docs/architecture.md ("Resources").
type goal struct {
	name string
	ok   bool
}

// report prints the tables, the goals and a one-line summary, and returns
// whether every goal was met.
func (b *bench) report(w io.Writer, scale float64) bool {
	med := func(name string) sample { return summary(b.results[name]) }
	mb := float64(b.corpus.bytes) / 1e6
	speed := func(s sample) float64 { return mb / s.timed }

	fmt.Fprintf(w, "\ncorpus %.0f MB in %d files (scale %.2f), %d interleaved rounds, medians; page cache warm\n",
		mb, b.corpus.files, scale, b.runs)
	fmt.Fprintf(w, "load average (1 min) at start %s, at end %s, on %d CPUs: the machine is shared; compare ratios only\n",
		b.loadStart, loadAverage(), runtime.NumCPU())
	tc := med(tarCreate)
	fmt.Fprintf(w, "\n%-26s %8s %11s %8s %9s %9s %8s\n", "BACKUP", "MB/s", "vs tar -czf", "CPU s", "size MB", "vs gz -6", "RSS MB")
	for _, name := range []string{tarCreate, pigzCreate, rewindGzip, rewindZstd} {
		if _, ok := b.results[name]; !ok {
			continue
		}
		s := med(name)
		fmt.Fprintf(w, "%-26s %8.1f %10.2fx %8.2f %9.1f %8.3fx %8.1f\n", name, speed(s), tc.timed/s.timed, s.cpu,
			float64(s.size)/1e6, float64(s.size)/float64(tc.size), float64(s.rss)/1e6)
	}

	tx := med(tarExtract)
	fmt.Fprintf(w, "\n%-26s %8s %11s %8s %9s %11s %9s %8s\n", "RESTORE", "MB/s", "vs tar -xzf", "CPU s", "wall s", "up again s", "safety s", "RSS MB")
	for _, name := range []string{tarExtract, restoreGzip, restoreZstd} {
		s := med(name)
		staged, safety := "-", "-"
		if name != tarExtract && s.phases != nil {
			staged, safety = fmt.Sprintf("%.2f", s.staged), fmt.Sprintf("%.2f", s.safety)
		}
		fmt.Fprintf(w, "%-26s %8.1f %10.2fx %8.2f %9.2f %11s %9s %8.1f\n", name, speed(s), tx.timed/s.timed, s.cpu,
			s.timed, staged, safety, float64(s.rss)/1e6)
	}
	for _, name := range []string{restoreGzip, restoreZstd} {
		if s := med(name); s.phases != nil {
			fmt.Fprintf(w, "  %s phases, median ms: %s; process wall %.2f s\n", name, phases(s.phases), s.wall)
		}
	}
	fmt.Fprintln(w, "  MB/s and the ratio time the whole restore command until it returns, safety copy included")
	if b.noPhases {
		fmt.Fprintln(w, "  note: a restore result had no phasesMs; its in-process columns are missing")
	} else {
		fmt.Fprintln(w, "  up again s = stage + stop + swap + start, in process (hash-checked, staged, syncfs, swapped): when the service runs again; the safety copy comes after")
	}
	if b.noPigz {
		fmt.Fprintln(w, "  note: pigz is not installed; its row is missing")
	}

	rg, rz, xg, xz := med(rewindGzip), med(rewindZstd), med(restoreGzip), med(restoreZstd)
	var rss int64
	for _, name := range []string{rewindGzip, rewindZstd, restoreGzip, restoreZstd} {
		rss = max(rss, maxRSS(b.results[name]))
	}
	goals := []goal{
		{fmt.Sprintf("backup gzip >= %.0fx tar -czf", goalBackupGzip), tc.timed/rg.timed >= goalBackupGzip},
		{fmt.Sprintf("backup gzip size <= %.2fx gzip -6", goalSizeRatio), float64(rg.size) <= goalSizeRatio*float64(tc.size)},
		{fmt.Sprintf("backup zstd >= %.0fx tar -czf", goalBackupZstd), tc.timed/rz.timed >= goalBackupZstd},
		{fmt.Sprintf("restore gzip >= %.1fx tar -xzf", goalRestoreGzip), tx.timed/xg.timed >= goalRestoreGzip},
		{fmt.Sprintf("restore zstd >= %.0fx tar -xzf", goalRestoreZstd), tx.timed/xz.timed >= goalRestoreZstd},
		{fmt.Sprintf("peak RSS < %d MB (largest Rewind run)", goalPeakRSS>>20), rss < goalPeakRSS},
	}
	if b.many != nil {
		goals = append(goals, goal{fmt.Sprintf("peak RSS < %d MB with %d small files", goalPeakRSS>>20, b.many.files), b.many.report(w)})
	}
	fmt.Fprintln(w)
	var missed []string
	for _, g := range goals {
		status := "ok"
		if !g.ok {
			status = "MISSED"
			missed = append(missed, g.name)
		}
		fmt.Fprintf(w, "goal %-40s %s\n", g.name, status)
	}
	verdict := "all goals met"
	if len(missed) > 0 {
		verdict = "MISSED: " + strings.Join(missed, "; ")
	}
	fmt.Fprintf(w, "\nSUMMARY scale=%.2f corpus=%.0fMB runs=%d | backup gzip %.0f MB/s %.2fx tar-czf, size %.3fx gz-6, RSS %.0f MB"+
		" | zstd %.0f MB/s %.2fx | restore gzip %.0f MB/s %.2fx tar-xzf (whole command; up again after %.2f s, safety copy %.1f s), zstd %.0f MB/s %.2fx"+
		" | tar -czf %.1f MB/s, tar -xzf %.1f MB/s | max RSS %.0f MB | %s\n",
		scale, mb, b.runs, speed(rg), tc.timed/rg.timed, float64(rg.size)/float64(tc.size), float64(rg.rss)/1e6,
		speed(rz), tc.timed/rz.timed, speed(xg), tx.timed/xg.timed, xg.staged, xg.safety, speed(xz), tx.timed/xz.timed,
		speed(tc), speed(tx), float64(rss)/1e6, verdict)
	return len(missed) == 0
}

// phases formats phase timings in restore order.
func phases(p map[string]float64) string {
	order := []string{"stage", "stop", "swap", "start", "safetyCopy"}
	var extra []string
	for k := range p {
		if !slices.Contains(order, k) {
			extra = append(extra, k)
		}
	}
	slices.Sort(extra)
	keys := append(order, extra...)
	var parts []string
	for _, k := range keys {
		if v, ok := p[k]; ok {
			parts = append(parts, fmt.Sprintf("%s %.0f", k, v))
		}
	}
	return strings.Join(parts, ", ")
}

// loadAverage is the one-minute load average, or "?" where it is unknown.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) > 0 {
		return f[0]
	}
	return "?"
}
