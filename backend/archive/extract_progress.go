package archive

import "time"

// exReportEvery is the extractor's progress cadence; a final report is always sent.
const exReportEvery = 100 * time.Millisecond

// exProgress counts work done against the manifest's totals and forwards
// throttled snapshots to a Report.
type exProgress struct {
	report Report
	p      Progress
	last   time.Time
}

func newExProgress(report Report) *exProgress {
	if report == nil {
		report = func(Progress) {}
	}
	return &exProgress{report: report}
}

// bytes adds n content bytes and reports when the cadence allows.
func (x *exProgress) bytes(n int64) {
	x.p.BytesDone += n
	x.tick()
}

// file counts one regular file done.
func (x *exProgress) file(current string) {
	x.p.FilesDone++
	x.p.Current = current
	x.tick()
}

func (x *exProgress) tick() {
	if now := time.Now(); now.Sub(x.last) >= exReportEvery {
		x.last = now
		x.report(x.p)
	}
}

// done sends the final snapshot.
func (x *exProgress) done() {
	x.p.Current = ""
	x.report(x.p)
}
