package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
)

// Tool names, as printed.
const (
	tarCreate     = "GNU tar -czf"
	pigzCreate    = "tar -cf - | pigz -p2"
	rewindGzip    = "Rewind backup (gzip)"
	rewindZstd    = "Rewind backup (zstd)"
	tarExtract    = "GNU tar -xzf (empty dir)"
	restoreGzip   = "Rewind restore (gzip)"
	restoreZstd   = "Rewind restore (zstd)"
	tarExcludeArg = "--exclude=./.rewind"
)

// bench holds one run: the project, the results and what later steps reuse.
type bench struct {
	rw      *rewindCLI
	out     string // scratch directory for archives and extractions
	runs    int
	corpus  tree // the project as measured before the first round
	results map[string][]sample
	log     func(format string, args ...any)

	tarArchive string           // the newest tar -czf archive, extracted by the restore rounds
	backupID   map[string]int64 // compression → newest Rewind backup, restored by the restore rounds
	noPhases   bool             // a restore result had no phasesMs
	noPigz     bool
	loadStart  string   // load average when the first round began
	extracted  []string // tar -xzf trees, removed after the restore rounds
	many       *manyResult
}

type step struct {
	name string
	run  func(dir string) (sample, error)
}

// rounds runs every step once per round, interleaved, each round in a fresh
// output directory, and records the samples.
func (b *bench) rounds(kind string, steps []step) error {
	if b.loadStart == "" {
		b.loadStart = loadAverage()
	}
	for round := range b.runs {
		dir := filepath.Join(b.out, fmt.Sprintf("%s-%d", kind, round+1))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		for _, st := range steps {
			s, err := st.run(dir)
			if err != nil {
				return fmt.Errorf("%s: %w", st.name, err)
			}
			b.results[st.name] = append(b.results[st.name], s)
			b.log("round %d/%d  %-26s %7.2f s  %7.1f MB/s  %6.1f MB RSS", round+1, b.runs, st.name, s.timed,
				float64(b.corpus.bytes)/1e6/s.timed, float64(s.rss)/1e6)
		}
	}
	return nil
}

// backupSteps are the create-side tools, alternating GNU and Rewind.
func (b *bench) backupSteps() []step {
	steps := []step{
		{tarCreate, b.tarCreate},
		{rewindGzip, func(string) (sample, error) { return b.rewindCreate("gzip") }},
	}
	if !b.noPigz {
		steps = append(steps, step{pigzCreate, b.pigzCreate})
	}
	return append(steps, step{rewindZstd, func(string) (sample, error) { return b.rewindCreate("zstd") }})
}

// restoreSteps are the extract-side tools.
func (b *bench) restoreSteps() []step {
	return []step{
		{tarExtract, b.tarExtract},
		{restoreGzip, func(string) (sample, error) { return b.rewindRestore(b.backupID["gzip"]) }},
		{restoreZstd, func(string) (sample, error) { return b.rewindRestore(b.backupID["zstd"]) }},
	}
}

func (b *bench) tarCreate(dir string) (sample, error) {
	out := filepath.Join(dir, "gnu.tar.gz")
	s, _, err := run(exec.Command("tar", "-czf", out, tarExcludeArg, "-C", b.rw.project, "."))
	if err != nil {
		return s, err
	}
	if s.size, err = fileSize(out); err != nil {
		return s, err
	}
	prev := b.tarArchive
	b.tarArchive = out
	if prev != "" {
		return s, removeAll(prev)
	}
	return s, nil
}

func (b *bench) pigzCreate(dir string) (sample, error) {
	out := filepath.Join(dir, "pigz.tar.gz")
	script := `set -o pipefail; tar -cf - "$2" -C "$1" . | pigz -p2 >"$3"`
	s, _, err := run(exec.Command("bash", "-c", script, "bash", b.rw.project, tarExcludeArg, out))
	if err != nil {
		return s, err
	}
	if s.size, err = fileSize(out); err != nil {
		return s, err
	}
	return s, removeAll(out)
}

// rewindCreate takes a backup and deletes the previous one of the same
// compression; the last one is kept for the restore rounds.
func (b *bench) rewindCreate(compression string) (sample, error) {
	s, rec, err := b.rw.create(compression)
	if err != nil {
		return s, err
	}
	prev, ok := b.backupID[compression]
	b.backupID[compression] = rec.ID
	if ok {
		if err := b.rw.delete(prev); err != nil {
			return s, err
		}
	}
	return s, nil
}

// tarExtract extracts the tar -czf archive into a new, empty directory and
// checks the tree. The trees are removed after the last round: a timed
// extraction right after a large removal is slow on some file systems.
func (b *bench) tarExtract(dir string) (sample, error) {
	into := filepath.Join(dir, "tar-x")
	if err := os.Mkdir(into, 0o755); err != nil {
		return sample{}, err
	}
	s, _, err := run(exec.Command("tar", "-xzf", b.tarArchive, "-C", into))
	if err != nil {
		return s, err
	}
	b.extracted = append(b.extracted, into)
	return s, b.check(into)
}

// rewindRestore restores backup id into the live project, checks the tree
// and deletes the safety copy the restore made.
func (b *bench) rewindRestore(id int64) (sample, error) {
	s, res, phased, err := b.rw.restore(id)
	if err != nil {
		return s, err
	}
	b.noPhases = b.noPhases || !phased
	if err := b.check(b.rw.project); err != nil {
		return s, err
	}
	return s, b.rw.dropSafetyCopy(res)
}

// check compares a restored tree's file count and bytes with the corpus.
func (b *bench) check(dir string) error {
	got, err := walk(dir, false)
	if err != nil {
		return err
	}
	if got != b.corpus {
		return fmt.Errorf("restored tree %s has %d files, %d bytes; want %d files, %d bytes",
			dir, got.files, got.bytes, b.corpus.files, b.corpus.bytes)
	}
	return nil
}

func fileSize(p string) (int64, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}
