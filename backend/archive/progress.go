package archive

import "time"

// reportEvery is the most often Write and Verify call their Report.
const reportEvery = 100 * time.Millisecond

// progressTicker accumulates progress and hands snapshots to a Report at most
// every reportEvery, plus once at the end.
type progressTicker struct {
	report Report
	last   time.Time
	p      Progress
}

func newProgressTicker(report Report, bytesTotal, filesTotal int64) *progressTicker {
	return &progressTicker{report: report, p: Progress{BytesTotal: bytesTotal, FilesTotal: filesTotal}}
}

// add records work done and reports if the interval has passed.
func (t *progressTicker) add(bytes, files int64, current string) {
	t.p.BytesDone += bytes
	t.p.FilesDone += files
	if t.report == nil {
		return
	}
	if now := time.Now(); now.Sub(t.last) >= reportEvery {
		t.last = now
		t.p.Current = current
		t.report(t.p)
	}
}

// done sends the final snapshot.
func (t *progressTicker) done() {
	if t.report != nil {
		t.p.Current = ""
		t.report(t.p)
	}
}
