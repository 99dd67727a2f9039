package cli

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// A command blocked in a call that ignores cancellation (the crashtest
// build's hang point stands in for an open(2) on a pipe nobody writes) ends
// within seconds of SIGTERM or SIGINT (the grace is 10s), says it was cancelled, and
// leaves the catalog and deployment free: the next command recovers and
// works.
func TestSignalEndsABlockedCommand(t *testing.T) {
	bin := binary(t, "crashtest")
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		t.Run(sig.String(), func(t *testing.T) {
			state, proj := t.TempDir(), project(t)
			ok(t, state, "init", "--project", proj)
			cmd := exec.Command(bin, "--state", state, "--project", proj, "backup", "create")
			cmd.Env = append(os.Environ(), "REWIND_HANG_AT=backup.writing")
			run := start(t, cmd)
			stderr := run.stderr
			// Wait until the backup holds the catalog (its lock file names it),
			// then a second command is refused and told what holds it.
			var b []byte
			run.await(t, func() bool {
				b, _ = os.ReadFile(filepath.Join(state, "rewind.lock"))
				return strings.HasPrefix(string(b), fmt.Sprintf("%d\nrewind backup create shop\n", cmd.Process.Pid))
			}, "the backup that should hang ended", func() string {
				return fmt.Sprintf("the hanging backup never held the catalog; lock file %q", b)
			})
			r := runBin(t, binary(t, ""), nil, "--state", state, "--project", proj, "backup", "list")
			want := fmt.Sprintf("catalog in use by PID %d (rewind backup create shop, since %s", cmd.Process.Pid, time.Now().Format("2006-01-02"))
			if r.code == 0 || !strings.Contains(r.stderr, want) {
				t.Errorf("second command: exit %d, %q; want it refused naming the holder: %q", r.code, r.stderr, want)
			}
			run.await(t, func() bool { return strings.Contains(stderr.String(), "crashpoint: hanging at backup.writing") },
				"the backup ended before its hang point", func() string {
					return "the backup never reached its hang point: " + stderr.String()
				})
			if took := run.signal(t, sig, 20*time.Second); took > 14*time.Second { // the 10s grace, and start-up under load
				t.Errorf("took %s to end after %s", took, sig)
			}
			if code := cmd.ProcessState.ExitCode(); code != 128+int(sig) {
				t.Errorf("exit %d after %s, want %d", code, sig, 128+int(sig))
			}
			if !strings.Contains(stderr.String(), "cancelled") {
				t.Errorf("stderr %q does not say the command was cancelled", stderr.String())
			}
			ok(t, state, "--project", proj, "backup", "create")
			checkInvariants(t, state, proj)
		})
	}
}

// lockedBuffer is a bytes.Buffer that a child's output goroutine and the
// test read and write at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// running is a started command whose stderr the test reads while it runs.
type running struct {
	cmd    *exec.Cmd
	stderr *lockedBuffer
	done   chan error
}

func start(t *testing.T, cmd *exec.Cmd) *running {
	t.Helper()
	r := &running{cmd: cmd, stderr: &lockedBuffer{}, done: make(chan error, 1)}
	cmd.Stderr = r.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { r.done <- cmd.Wait() }()
	return r
}

// await polls until cond holds: ended is the failure when the command ends
// first, never the one when 30s pass.
func (r *running) await(t *testing.T, cond func() bool, ended string, never func() string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		select {
		case err := <-r.done:
			t.Fatalf("%s (%v): %s", ended, err, r.stderr.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal(never())
		}
	}
}

// signal sends sig and waits for the command to end, killing it and failing
// after within; it returns how long the command took to end.
func (r *running) signal(t *testing.T, sig syscall.Signal, within time.Duration) time.Duration {
	t.Helper()
	sent := time.Now()
	r.cmd.Process.Signal(sig)
	select {
	case <-r.done:
	case <-time.After(within):
		r.cmd.Process.Kill()
		t.Fatalf("still running %s after %s; stderr %q", within, sig, r.stderr.String())
	}
	return time.Since(sent)
}

// A command waiting on a Docker engine that never answers ends at once on
// SIGTERM, through its cancelled context, and says it was cancelled.
func TestSignalCancelsAWaitingCommand(t *testing.T) {
	bin := binary(t, "")
	state, proj := t.TempDir(), project(t)
	ok(t, state, "init", "--project", proj)
	sock := filepath.Join(t.TempDir(), "docker.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan struct{}, 8)
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close() // never answers
			accepted <- struct{}{}
		}
	}()
	cmd := exec.Command(bin, "--state", state, "--project", proj, "status")
	cmd.Env = append(os.Environ(), "DOCKER_HOST=unix://"+sock)
	run := start(t, cmd)
	stderr := run.stderr
	select {
	case <-accepted:
	case err := <-run.done:
		t.Fatalf("status ended before it asked the engine (%v): %s", err, stderr.String())
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("status never connected to the engine")
	}
	if took := run.signal(t, syscall.SIGTERM, 20*time.Second); took > 3*time.Second {
		t.Errorf("took %s after SIGTERM: the command did not honour its cancelled context", took)
	}
	if !strings.Contains(stderr.String(), "cancelled") {
		t.Errorf("stderr %q does not say the command was cancelled", stderr.String())
	}
}
