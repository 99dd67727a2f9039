package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// hEnv is a hostile test's filesystem: staging and victim side by side in
// base. Absolute names in the corpus point into victim.
type hEnv struct {
	base, staging, victim string
}

// hProbe is an absolute path outside every test directory that no hostile
// archive may create.
const hProbe = "/etc/rewind-hostile-probe"

// hostileCase is one kind of malicious archive (docs/archive-format.md, "What readers refuse").
type hostileCase struct {
	name  string
	group string
	data  func(t testing.TB, env hEnv) []byte
	opts  ExtractOptions
	want  error                        // errors.Is target; nil accepts any error
	setup func(t testing.TB, env hEnv) // runs before Extract
}

func hNewEnv(t testing.TB) hEnv {
	t.Helper()
	base := t.TempDir()
	env := hEnv{base: base, staging: filepath.Join(base, "staging"), victim: filepath.Join(base, "victim")}
	for _, d := range []string{env.staging, env.victim, filepath.Join(env.victim, "dir")} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, body := range map[string]string{"file": "original\n", "dir/inner": "inner\n"} {
		if err := os.WriteFile(filepath.Join(env.victim, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return env
}

// hostileCorpus lists every kind, grouped as in docs/archive-format.md, "What readers refuse".
func hostileCorpus() []hostileCase {
	var all []hostileCase
	all = append(all, hostilePaths()...)
	all = append(all, hostileLinks()...)
	all = append(all, hostileTypes()...)
	all = append(all, hostileResources()...)
	all = append(all, hostileDamage()...)
	all = append(all, hostileAmbiguity()...)
	all = append(all, hostileBinding()...)
	return all
}

func TestHostileCorpus(t *testing.T) {
	for _, workers := range []int{0, 2} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) { testHostileCorpus(t, workers) })
	}
}

func testHostileCorpus(t *testing.T, workers int) {
	corpus := hostileCorpus()
	groups := map[string]int{}
	for _, c := range corpus {
		groups[c.group]++
		t.Run(c.group+"/"+c.name, func(t *testing.T) {
			env := hNewEnv(t)
			if c.setup != nil {
				c.setup(t, env)
			}
			before := hTreeHash(t, env.base, "staging")
			data := c.data(t, env)
			opts := c.opts
			opts.Workers = workers
			_, err := Extract(context.Background(), bytes.NewReader(data), env.staging, opts)
			if err == nil {
				t.Fatal("Extract accepted a hostile archive")
			}
			if c.want != nil && !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
			t.Logf("refused: %v", err)
			hAssertContained(t, env, before)
		})
	}
	names := make([]string, 0, len(groups))
	for g := range groups {
		names = append(names, g)
	}
	sort.Strings(names)
	t.Logf("hostile corpus: %d archives refused, groups %v %v", len(corpus), names, groups)
	if len(corpus) < 35 {
		t.Errorf("corpus has %d kinds, want at least 35", len(corpus))
	}
}

// hAssertContained checks that nothing changed outside staging.
func hAssertContained(t testing.TB, env hEnv, before string) {
	t.Helper()
	if after := hTreeHash(t, env.base, "staging"); after != before {
		t.Errorf("tree beside staging changed: hash %s, want %s", after, before)
	}
	if got := hListDir(t, env.base); got != "staging,victim" {
		t.Errorf("base holds %q, want staging,victim", got)
	}
	if _, err := os.Lstat(hProbe); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("%s exists (%v)", hProbe, err)
	}
}

// A gzip bomb: 1 GiB of zeros in about 1 MiB of gzip members, behind a
// manifest that declares 1 KiB. It must be refused at the header, having read
// little of the stream and written nothing of the bomb.
func TestHostileGzipBomb(t *testing.T) {
	const bomb = 1 << 30
	data := hGzipBomb(t, bomb, 1024)
	env := hNewEnv(t)
	before := hTreeHash(t, env.base, "staging")
	cr := &hCountReader{r: bytes.NewReader(data)}
	_, err := Extract(context.Background(), cr, env.staging, ExtractOptions{})
	if !errors.Is(err, ErrUnsafeEntry) {
		t.Fatalf("got %v, want ErrUnsafeEntry", err)
	}
	if cr.n > int64(len(data))/4 {
		t.Errorf("read %d of %d compressed bytes before refusing", cr.n, len(data))
	}
	if got := hDiskBytes(t, env.staging); got > 1024 {
		t.Errorf("staging holds %d bytes, cap is 1024", got)
	}
	hAssertContained(t, env, before)
}

type hCountReader struct {
	r io.Reader
	n int64
}

func (c *hCountReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func hDiskBytes(t testing.TB, dir string) int64 {
	t.Helper()
	var total int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err == nil && fi.Mode().IsRegular() {
			total += fi.Size()
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return total
}

// The handcrafted zstd frames are valid when their window is allowed, so the
// window-bomb case fails for its window and nothing else.
func TestHostileZstdFrameControl(t *testing.T) {
	a := hValid()
	a.zstd = true
	staging, res, err := hExtract(t, hZstdRaw(a.tarBytes(t), 20), ExtractOptions{})
	if err != nil {
		t.Fatalf("Extract: %v", err)
	}
	if err := hCompareTree(staging, res.Entries); err != nil {
		t.Fatal(err)
	}
}
