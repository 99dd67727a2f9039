// Command product measures the rewind binary end to end against GNU tar, as
// docs/architecture.md ("Resources") asks: `rewind backup create` (scan, archive with hashing, fsync,
// verify after write, catalog) against `tar -czf` and `tar | pigz -p2`, and
// `rewind backup restore --mode full` (hash checked, staged, syncfs,
// swapped) against `tar -xzf` into an empty directory. One corpus, one run,
// the tools interleaved round by round, medians of -runs rounds, ratios.
//
//	go run ./.ci/bench/product [-scale 1] [-runs 3] [-keep] [-strict]
//	go run ./.ci/bench/product -rewind BIN -project CORPUS -work DIR ...
//
// The project is the corpus directory plus a compose file and .env; Rewind
// restores into it, so it is modified (to identical contents). Without
// -project the corpus is generated with ./.ci/bench/corpus, and without
// -rewind the binary is built; both need the repository root as the working
// directory. -library also runs the library-level comparison
// (./.ci/bench/archive) on the same corpus. It exits non-zero when a goal is
// missed and -strict is set. REWIND_CPUPROFILE=FILE profiles this driver.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/pprof"
	"syscall"
)

type config struct {
	scale              float64
	runs               int
	keep, strict, lib  bool
	bin, project, work string
	many               int
}

func main() {
	var c config
	flag.Float64Var(&c.scale, "scale", 1, "corpus size factor when generating it (1 = about 1.2 GB)")
	flag.IntVar(&c.runs, "runs", 3, "interleaved rounds; medians are reported")
	flag.BoolVar(&c.keep, "keep", false, "keep the work directory (state, archives, project)")
	flag.BoolVar(&c.strict, "strict", false, "exit 1 when a goal of docs/architecture.md is missed")
	flag.BoolVar(&c.lib, "library", false, "also run the library-level comparison ./.ci/bench/archive")
	flag.StringVar(&c.bin, "rewind", "", "rewind binary (default: go build into the work directory)")
	flag.StringVar(&c.project, "project", "", "existing corpus to use as the project (default: generate one)")
	flag.StringVar(&c.work, "work", "", "work directory on a disk, not a tmpfs (default: a new temp dir)")
	flag.IntVar(&c.many, "many", 100_000, "small files in the memory check (0 skips it)")
	flag.Parse()
	if c.runs < 1 || c.scale <= 0 || c.many < 0 {
		fmt.Fprintln(os.Stderr, "usage: product [-scale S>0] [-runs N>=1] [-many N>=0] [-keep] [-strict] [-library] [-rewind BIN] [-project DIR] [-work DIR]")
		os.Exit(2)
	}
	if p := os.Getenv("REWIND_CPUPROFILE"); p != "" {
		if stop, err := startProfile(p); err == nil {
			defer stop()
		}
	}
	ok, err := runBench(c)
	if err != nil {
		fmt.Fprintln(os.Stderr, "product bench:", err)
		os.Exit(1)
	}
	if c.strict && !ok {
		os.Exit(1)
	}
}

func startProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func logf(format string, args ...any) { fmt.Fprintf(os.Stderr, "[bench] "+format+"\n", args...) }

func runBench(c config) (ok bool, err error) {
	made := c.work == ""
	if made {
		if c.work, err = os.MkdirTemp("", "rewind-product-bench-"); err != nil {
			return false, err
		}
	}
	var created []string // what to remove at the end unless -keep
	defer func() {
		if c.keep {
			logf("kept %s", c.work)
			return
		}
		if made {
			created = []string{c.work}
		}
		if rerr := removeAll(created...); err == nil {
			err = rerr
		}
	}()
	if onTmpfs(c.work) {
		logf("warning: %s is a tmpfs; the goals are for a disk", c.work)
	}
	if c.bin == "" {
		c.bin = filepath.Join(c.work, "rewind")
		created = append(created, c.bin)
		logf("building rewind")
		if err := command("go", "build", "-o", c.bin, "."); err != nil {
			return false, err
		}
	}
	if c.project == "" {
		c.project = filepath.Join(c.work, "project")
		created = append(created, c.project)
		logf("generating the corpus at scale %.2f", c.scale)
		if err := command("go", "run", "./.ci/bench/corpus", "-out", c.project, "-scale", fmt.Sprint(c.scale)); err != nil {
			return false, err
		}
	}
	for _, d := range []string{"state", "backups", "out"} {
		created = append(created, filepath.Join(c.work, d))
	}
	rw, err := newRewind(c.bin, c.work, c.project)
	if err != nil {
		return false, err
	}
	b := &bench{rw: rw, out: filepath.Join(c.work, "out"), runs: c.runs, results: map[string][]sample{},
		backupID: map[string]int64{}, log: logf}
	if _, err := exec.LookPath("pigz"); err != nil {
		b.noPigz = true
		logf("pigz is not installed: skipping tar | pigz")
	}
	logf("warming the page cache")
	if b.corpus, err = walk(c.project, true); err != nil {
		return false, err
	}
	if err := checkRoom(c.work, int64(5+c.runs)*b.corpus.bytes); err != nil {
		return false, err
	}
	if err := b.rounds("backup", b.backupSteps()); err != nil {
		return false, err
	}
	// The archives were just written; read them once so every restore starts warm.
	if _, err := readAll(b.tarArchive, make([]byte, 1<<20)); err != nil {
		return false, err
	}
	if err := b.warmBackups(); err != nil {
		return false, err
	}
	err = b.rounds("restore", b.restoreSteps())
	if rerr := removeAll(b.extracted...); err == nil {
		err = rerr
	}
	if err != nil {
		return false, err
	}
	if c.many > 0 {
		dir := filepath.Join(c.work, "many")
		created = append(created, dir)
		logf("memory check: backup and restore of %d small files", c.many)
		m, err := manySmallFiles(c.bin, dir, c.many)
		if err != nil {
			return false, fmt.Errorf("memory check: %w", err)
		}
		b.many = &m
	}
	ok = b.report(os.Stdout, c.scale)
	if c.lib {
		fmt.Println("\nlibrary level (./.ci/bench/archive, same corpus):")
		lib := exec.Command("go", "run", "./.ci/bench/archive", "-dir", c.project, "-runs", fmt.Sprint(c.runs), "-tmp", b.out)
		lib.Stdout, lib.Stderr = os.Stdout, os.Stderr
		if err := lib.Run(); err != nil {
			return ok, fmt.Errorf("library bench: %w", err)
		}
	}
	return ok, nil
}

// warmBackups reads the Rewind archives that the restore rounds use.
func (b *bench) warmBackups() error {
	var recs []record
	if _, err := b.rw.do(&recs, "backup", "list"); err != nil {
		return err
	}
	for _, r := range recs {
		if r.ID == b.backupID["gzip"] || r.ID == b.backupID["zstd"] {
			if _, err := readAll(r.Path, make([]byte, 1<<20)); err != nil {
				return err
			}
		}
	}
	return nil
}

// command runs a setup command with its output on stderr.
func command(name string, args ...string) error {
	c := exec.Command(name, args...)
	c.Stdout, c.Stderr = os.Stderr, os.Stderr
	if err := c.Run(); err != nil {
		return fmt.Errorf("%s %v: %w", name, args, err)
	}
	return nil
}

// checkRoom fails early when the work directory's file system has less than
// need bytes free: archives, the tar extractions and Rewind's staging coexist.
func checkRoom(dir string, need int64) error {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return err
	}
	if free := int64(st.Bavail) * st.Bsize; free < need {
		return fmt.Errorf("%s has %.1f GB free; the bench needs about %.1f GB", dir, float64(free)/1e9, float64(need)/1e9)
	}
	return nil
}

// onTmpfs reports whether dir is on a tmpfs.
func onTmpfs(dir string) bool {
	const tmpfsMagic = 0x01021994
	var st syscall.Statfs_t
	return syscall.Statfs(dir, &st) == nil && st.Type == tmpfsMagic
}
