// Package proctest builds the rewind binary for tests that must run it as a
// process of its own (a kill -9 at a crash point, a second process, another
// user) and runs it.
package proctest

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
)

var (
	mu    sync.Mutex
	dir   string              // holds every binary this test process built
	built = map[string]*bin{} // by build tags
)

type bin struct {
	once sync.Once
	path string
	err  error
	out  []byte
}

// Main runs a package's tests, then removes the binaries they built. Call it
// from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	mu.Lock()
	if dir != "" {
		os.RemoveAll(dir)
	}
	mu.Unlock()
	os.Exit(code)
}

// Build builds rewind with the given build tags ("" for none), once per test
// process and tags, and returns the binary's path.
func Build(t testing.TB, tags string) string {
	t.Helper()
	mu.Lock()
	b := built[tags]
	if b == nil {
		b = &bin{}
		built[tags] = b
	}
	if dir == "" {
		if dir, b.err = os.MkdirTemp("", "rewind-test-bin-"); b.err == nil {
			os.Chmod(dir, 0o755) // runnable by the unprivileged user of some tests
		}
	}
	d := dir
	mu.Unlock()
	b.once.Do(func() {
		if b.err != nil {
			return
		}
		name := "rewind"
		if tags != "" {
			name += "-" + tags
		}
		b.path = filepath.Join(d, name)
		args := []string{"build", "-o", b.path}
		if tags != "" {
			args = append(args, "-tags", tags)
		}
		_, file, _, _ := runtime.Caller(0)
		cmd := exec.Command("go", append(args, ".")...)
		cmd.Dir = filepath.Join(filepath.Dir(file), "..", "..")
		b.out, b.err = cmd.CombinedOutput()
	})
	if b.err != nil {
		t.Fatalf("build rewind: %v\n%s", b.err, b.out)
	}
	return b.path
}

// Result is how a run of the binary ended.
type Result struct {
	Stdout, Stderr string
	Code           int // the exit status, or -signal when a signal killed it
}

// Run runs bin with args, its environment extended by env.
func Run(t testing.TB, bin string, env []string, args ...string) Result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	return RunCmd(t, cmd)
}

// RunCmd runs a prepared command of the binary and collects its output.
func RunCmd(t testing.TB, cmd *exec.Cmd) Result {
	t.Helper()
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			code = -int(ws.Signal())
		}
	} else if err != nil {
		t.Fatalf("run %s: %v", cmd.Path, err)
	}
	return Result{out.String(), errb.String(), code}
}
