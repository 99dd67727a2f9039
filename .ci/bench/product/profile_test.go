package main

// In-process benchmarks of Rewind's backup and restore, for CPU profiles of
// the product path (the comparison with GNU tar is the command itself):
//
//	go run ./.ci/bench/corpus -out CORPUS -scale 0.25
//	REWIND_BENCH_PROJECT=CORPUS go test -run '^$' -bench . -benchtime 1x \
//	    -cpuprofile cpu.out ./.ci/bench/product
//	go tool pprof -top -cum product.test cpu.out
//
// The corpus directory becomes a Compose project and is restored into (to
// identical contents). Without REWIND_BENCH_PROJECT the benchmarks skip.

import (
	"rewind/backend/op"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"rewind/backend/archive"
	"rewind/backend/backup"
	"rewind/backend/deployment"
	"rewind/backend/docker"
	"rewind/backend/restore"
	"rewind/backend/store"
)

// inproc is a catalog, its managers and the deployment under test.
type inproc struct {
	backups *backup.Manager
	restore *restore.Restorer
	dep     deployment.Deployment
	corpus  tree
}

func setupInproc(b *testing.B) *inproc {
	b.Helper()
	project := os.Getenv("REWIND_BENCH_PROJECT")
	if project == "" {
		b.Skip("set REWIND_BENCH_PROJECT to a corpus directory (go run ./.ci/bench/corpus -out DIR)")
	}
	if err := makeProject(project); err != nil {
		b.Fatal(err)
	}
	state := filepath.Join(b.TempDir(), "state")
	st, err := store.Open(state, "")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	noDocker := func(context.Context) (backup.Engine, error) { return nil, docker.ErrUnreachable }
	p := &inproc{backups: backup.New(op.New(st), noDocker)}
	p.restore = restore.New(p.backups.Kernel, p.backups, noDocker)
	p.dep, err = deployment.Init(b.Context(), st, state, deployment.InitOptions{Path: project,
		StorageDir: filepath.Join(filepath.Dir(state), "backups")})
	if err != nil {
		b.Fatal(err)
	}
	if p.corpus, err = walk(project, true); err != nil {
		b.Fatal(err)
	}
	return p
}

func BenchmarkBackupCreate(b *testing.B) {
	p := setupInproc(b)
	for _, comp := range []string{"gzip", "zstd"} {
		b.Run(comp, func(b *testing.B) {
			b.SetBytes(p.corpus.bytes)
			for range b.N {
				syscall.Sync()
				res, err := p.backups.Create(b.Context(), p.dep, backup.CreateRequest{Compression: comp}, nil)
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if _, err := p.backups.Delete(b.Context(), p.dep, res.Record.ID); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}

func BenchmarkRestore(b *testing.B) {
	p := setupInproc(b)
	for _, comp := range []string{"gzip", "zstd"} {
		b.Run(comp, func(b *testing.B) {
			b.StopTimer()
			made, err := p.backups.Create(b.Context(), p.dep, backup.CreateRequest{Compression: comp}, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(p.corpus.bytes)
			phases := map[string]int64{}
			for range b.N {
				syscall.Sync()
				b.StartTimer()
				res, err := p.restore.Run(b.Context(), p.dep, made.Record.ID,
					restore.Options{Mode: restore.Full, NoStart: true, Confirmed: true}, nil)
				b.StopTimer()
				if err != nil {
					b.Fatal(err)
				}
				for k, v := range res.PhasesMs {
					phases[k] += v
				}
				if res.SafetyCopy != nil {
					if _, err := p.backups.Delete(b.Context(), p.dep, res.SafetyCopy.ID); err != nil {
						b.Fatal(err)
					}
				}
			}
			for k, v := range phases {
				b.ReportMetric(float64(v)/float64(b.N), k+"-ms/op")
			}
		})
	}
}

// BenchmarkBackupSteps times the library steps that `backup create` chains
// (scan; write with hashing, then fsync; verify after write) to show which
// one bounds the wall time; the catalog is the difference to BackupCreate.
func BenchmarkBackupSteps(b *testing.B) {
	p := setupInproc(b)
	for _, comp := range []archive.Compression{archive.Gzip, archive.Zstd} {
		b.Run(string(comp), func(b *testing.B) {
			b.SetBytes(p.corpus.bytes)
			var scan, write, sync, verify time.Duration
			for range b.N {
				syscall.Sync()
				t0 := time.Now()
				plan, err := archive.Scan(b.Context(), p.dep.Path, nil)
				if err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				out := filepath.Join(b.TempDir(), "a")
				f, err := os.Create(out)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := archive.Write(b.Context(), f, p.dep.Path, plan, archive.Manifest{Deployment: "bench"},
					archive.WriteOptions{Compression: comp}); err != nil {
					b.Fatal(err)
				}
				t2 := time.Now()
				if err := f.Sync(); err != nil {
					b.Fatal(err)
				}
				t3 := time.Now()
				if _, err := f.Seek(0, io.SeekStart); err != nil {
					b.Fatal(err)
				}
				if _, err := archive.Verify(b.Context(), f, nil); err != nil {
					b.Fatal(err)
				}
				t4 := time.Now()
				f.Close()
				scan, write, sync, verify = scan+t1.Sub(t0), write+t2.Sub(t1), sync+t3.Sub(t2), verify+t4.Sub(t3)
			}
			n := float64(b.N) * 1e6
			b.ReportMetric(float64(scan)/n, "scan-ms/op")
			b.ReportMetric(float64(write)/n, "write-ms/op")
			b.ReportMetric(float64(sync)/n, "fsync-ms/op")
			b.ReportMetric(float64(verify)/n, "verify-ms/op")
		})
	}
}

// BenchmarkExtractWorkers extracts a Rewind archive of the corpus durably
// (Sync, as a restore's stage does) with one and with two writer goroutines.
func BenchmarkExtractWorkers(b *testing.B) {
	p := setupInproc(b)
	for _, comp := range []archive.Compression{archive.Gzip, archive.Zstd} {
		plan, err := archive.Scan(b.Context(), p.dep.Path, nil)
		if err != nil {
			b.Fatal(err)
		}
		arc := filepath.Join(b.TempDir(), "a")
		f, err := os.Create(arc)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := archive.Write(b.Context(), f, p.dep.Path, plan, archive.Manifest{Deployment: "bench"},
			archive.WriteOptions{Compression: comp}); err != nil {
			b.Fatal(err)
		}
		f.Close()
		// The trees are removed at the end: extracting right after a large
		// removal is slow on some file systems (docs/architecture.md, "Resources").
		var made []string
		b.Cleanup(func() { removeAll(made...) })
		for _, workers := range []int{0, 2} {
			b.Run(fmt.Sprintf("%s/workers=%d", comp, workers), func(b *testing.B) {
				b.SetBytes(p.corpus.bytes)
				for range b.N {
					b.StopTimer()
					into, err := os.MkdirTemp(filepath.Dir(arc), "x")
					if err != nil {
						b.Fatal(err)
					}
					in, err := os.Open(arc)
					if err != nil {
						b.Fatal(err)
					}
					syscall.Sync()
					b.StartTimer()
					_, err = archive.Extract(b.Context(), in, into, archive.ExtractOptions{Sync: true, Workers: workers})
					b.StopTimer()
					in.Close()
					if err != nil {
						b.Fatal(err)
					}
					made = append(made, into)
				}
			})
		}
	}
}
