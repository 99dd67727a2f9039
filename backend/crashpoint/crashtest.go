//go:build crashtest

package crashpoint

import (
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"
)

// Enabled reports whether this build can crash on demand.
const Enabled = true

var (
	mu   sync.Mutex
	seen = map[string]int{}
)

// Hit kills the process with SIGKILL when name equals REWIND_CRASH_AT, and
// blocks forever when it equals REWIND_HANG_AT.
// REWIND_CRASH_AT may carry "#n" to crash on the n-th hit (1-based).
// With REWIND_CRASH_LIST set to a file, every name is appended to it so the
// test harness can discover the points.
func Hit(name string) {
	if f := os.Getenv("REWIND_CRASH_LIST"); f != "" {
		if fh, err := os.OpenFile(f, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o600); err == nil {
			fh.WriteString(name + "\n")
			fh.Close()
		}
	}
	if h := os.Getenv("REWIND_HANG_AT"); h != "" && h == name {
		// A call that ignores cancellation (an open(2) on a pipe with no
		// writer): tests prove that SIGTERM still ends the process. The line
		// tells them the process got here.
		fmt.Fprintf(os.Stderr, "crashpoint: hanging at %s\n", name)
		for {
			time.Sleep(time.Hour)
		}
	}
	at := os.Getenv("REWIND_CRASH_AT")
	if at == "" {
		return
	}
	want, n := at, 1
	for i := len(at) - 1; i >= 0; i-- {
		if at[i] == '#' {
			want = at[:i]
			n = 0
			for _, c := range at[i+1:] {
				n = n*10 + int(c-'0')
			}
			break
		}
	}
	if name != want {
		return
	}
	mu.Lock()
	seen[name]++
	hit := seen[name] == n
	mu.Unlock()
	if hit {
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {}
	}
}

// Skip reports whether REWIND_SKIP names this check: a seam to reach a fault
// the real system cannot produce on demand (running out of space after a
// space check passed).
func Skip(name string) bool { return name != "" && os.Getenv("REWIND_SKIP") == name }
