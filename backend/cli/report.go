package cli

import (
	"fmt"
	"os"
	"sync"
	"time"

	"golang.org/x/term"

	"rewind/backend/progress"
)

// reporter prints progress to stderr when it is a terminal: each phase
// change, and the percentage at most once a second.
func (e *env) reporter() progress.Report {
	f, ok := e.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return progress.Nop
	}
	var mu sync.Mutex
	var last progress.Phase
	var lastAt time.Time
	return func(p progress.Progress) {
		mu.Lock()
		defer mu.Unlock()
		if p.Phase != last {
			last = p.Phase
			fmt.Fprintf(f, "\r\033[K%s", p.Phase)
			if p.Message != "" {
				fmt.Fprintf(f, ": %s", escape(p.Message))
			}
			fmt.Fprintln(f)
			return
		}
		if time.Since(lastAt) < time.Second || p.BytesTotal == 0 {
			return
		}
		lastAt = time.Now()
		fmt.Fprintf(f, "\r\033[K  %3.0f%%  %s of %s, %d of %d files", 100*float64(p.BytesDone)/float64(p.BytesTotal),
			humanBytes(p.BytesDone), humanBytes(p.BytesTotal), p.FilesDone, p.FilesTotal)
	}
}
