// Package jobs runs long operations off the caller's goroutine, throttles
// their progress into complete snapshots, and always sends a final snapshot.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"
	"time"

	"rewind/backend/op"
	"rewind/backend/progress"
	"rewind/backend/view"
)

// Interval is the shortest time between two snapshots of one job, unless its
// phase changes.
const Interval = 150 * time.Millisecond

// maxLog bounds a job's log lines.
const maxLog = 500

// Func is the work of a job. It reports progress and returns a result for the UI.
type Func func(ctx context.Context, report progress.Report, log func(string)) (any, error)

// Runner owns the running and finished jobs of one process.
type Runner struct {
	emit func(view.Job)
	now  func() time.Time

	mu     sync.Mutex
	jobs   map[string]*job
	nextID int
	wg     sync.WaitGroup
}

type job struct {
	snap     view.Job
	cancel   context.CancelFunc
	lastEmit time.Time
	rateAt   time.Time
	rateByte int64
}

// New returns a Runner that sends snapshots to emit (which must not block for long).
func New(emit func(view.Job)) *Runner {
	if emit == nil {
		emit = func(view.Job) {}
	}
	return &Runner{emit: emit, now: time.Now, jobs: map[string]*job{}}
}

// Start runs fn in its own goroutine and returns the job's ID at once. The
// context fn gets carries a commit notice (op.WithCommitNotice): once the
// operation passes its commit point, the job is no longer cancellable and a
// snapshot says so at once.
func (r *Runner) Start(kind, title string, cancellable bool, fn Func) string {
	ctx, cancel := context.WithCancel(context.Background())
	r.mu.Lock()
	r.nextID++
	id := kind + "-" + strconv.Itoa(r.nextID)
	j := &job{cancel: cancel, snap: view.Job{ID: id, Kind: kind, Title: title, State: view.JobRunning,
		Phase: string(progress.Preparing), StartedAt: r.now().UTC(), Cancellable: cancellable, ETASeconds: -1, Log: []string{}}}
	r.jobs[id] = j
	r.wg.Add(1)
	first := r.bump(j)
	r.mu.Unlock()
	r.emit(first)
	ctx = op.WithCommitNotice(ctx, func() { r.commit(id) })

	go func() {
		defer r.wg.Done()
		defer cancel()
		var res any
		var err error
		func() {
			defer func() {
				if p := recover(); p != nil {
					err = fmt.Errorf("internal error: %v", p)
				}
			}()
			res, err = fn(ctx, func(p progress.Progress) { r.progress(id, p) }, func(s string) { r.log(id, s) })
		}()
		r.finish(id, res, err)
	}()
	return id
}

func (r *Runner) progress(id string, p progress.Progress) {
	r.mu.Lock()
	j := r.jobs[id]
	if j == nil || j.snap.State != view.JobRunning {
		r.mu.Unlock()
		return
	}
	now := r.now()
	phaseChanged := string(p.Phase) != j.snap.Phase && p.Phase != ""
	if phaseChanged {
		j.snap.Phase = string(p.Phase)
		j.snap.Message = p.Message // a new phase never shows the old phase's message
		j.rateAt, j.rateByte = now, p.BytesDone
		j.snap.Rate, j.snap.ETASeconds = 0, -1
	} else if p.Message != "" {
		j.snap.Message = p.Message
	}
	j.snap.BytesDone, j.snap.BytesTotal = p.BytesDone, p.BytesTotal
	j.snap.FilesDone, j.snap.FilesTotal = p.FilesDone, p.FilesTotal
	if !phaseChanged && now.Sub(j.lastEmit) < Interval {
		r.mu.Unlock()
		return
	}
	if dt := now.Sub(j.rateAt).Seconds(); dt >= 0.5 {
		inst := float64(p.BytesDone-j.rateByte) / dt
		if j.snap.Rate == 0 {
			j.snap.Rate = inst
		} else {
			j.snap.Rate = 0.7*j.snap.Rate + 0.3*inst
		}
		j.rateAt, j.rateByte = now, p.BytesDone
		if j.snap.Rate > 0 && p.BytesTotal > 0 {
			j.snap.ETASeconds = float64(p.BytesTotal-p.BytesDone) / j.snap.Rate
		}
	}
	s := r.bump(j)
	r.mu.Unlock()
	r.emit(s)
}

// commit marks a running job as past its commit point: from now on Cancel
// refuses it, and the UI hides the button.
func (r *Runner) commit(id string) {
	r.mu.Lock()
	j := r.jobs[id]
	if j == nil || j.snap.State != view.JobRunning || j.snap.Committed {
		r.mu.Unlock()
		return
	}
	j.snap.Committed = true
	j.snap.Cancellable = false
	s := r.bump(j)
	r.mu.Unlock()
	r.emit(s)
}

func (r *Runner) log(id, line string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if j := r.jobs[id]; j != nil {
		j.snap.Log = append(j.snap.Log, r.now().Format("15:04:05")+" "+line)
		if len(j.snap.Log) > maxLog {
			j.snap.Log = j.snap.Log[len(j.snap.Log)-maxLog:]
		}
	}
}

func (r *Runner) finish(id string, res any, err error) {
	r.mu.Lock()
	j := r.jobs[id]
	now := r.now().UTC()
	j.snap.FinishedAt = &now
	j.snap.Result = res
	j.snap.Cancellable = false
	j.snap.ETASeconds = -1
	switch {
	case err == nil:
		j.snap.State = view.JobSucceeded
		j.snap.Phase = string(progress.Done)
		j.snap.Message = ""
		j.snap.BytesDone, j.snap.FilesDone = j.snap.BytesTotal, j.snap.FilesTotal
	case errors.Is(err, context.Canceled):
		j.snap.State = view.JobCanceled
		ve := view.FromError(err)
		j.snap.Error = &ve
	default:
		j.snap.State = view.JobFailed
		ve := view.FromError(err)
		j.snap.Error = &ve
	}
	s := r.bump(j)
	r.mu.Unlock()
	r.emit(s)
}

// bump increments the sequence and returns a copy; r.mu must be held.
func (r *Runner) bump(j *job) view.Job {
	j.snap.Seq++
	j.lastEmit = r.now()
	s := j.snap
	s.Log = append([]string(nil), j.snap.Log...)
	return s
}

// ErrUnknownJob is returned for an ID the runner does not know.
var ErrUnknownJob = errors.New("unknown job")

// ErrNotCancellable and ErrCommitted are the kernel's: a job that cannot be
// cancelled now, and one past its operation's commit point.
var (
	ErrNotCancellable = op.ErrNotCancellable
	ErrCommitted      = op.ErrCommitted
)

// Cancel cancels a running, cancellable job. A job past its commit point
// is not cancelled: Cancel returns ErrCommitted.
func (r *Runner) Cancel(id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	j := r.jobs[id]
	if j == nil {
		return fmt.Errorf("%w %q", ErrUnknownJob, id)
	}
	if j.snap.State != view.JobRunning {
		return nil
	}
	if j.snap.Committed {
		return ErrCommitted
	}
	if !j.snap.Cancellable {
		return ErrNotCancellable
	}
	j.cancel()
	return nil
}

// List returns every job, newest first.
func (r *Runner) List() []view.Job {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]view.Job, 0, len(r.jobs))
	for _, j := range r.jobs {
		s := j.snap
		s.Log = append([]string{}, j.snap.Log...)
		out = append(out, s)
	}
	sort.Slice(out, func(a, b int) bool {
		return out[a].StartedAt.After(out[b].StartedAt) || (out[a].StartedAt.Equal(out[b].StartedAt) && out[a].ID > out[b].ID)
	})
	return out
}

// Running reports whether any job is still running.
func (r *Runner) Running() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, j := range r.jobs {
		if j.snap.State == view.JobRunning {
			return true
		}
	}
	return false
}

// Shutdown cancels the cancellable jobs and waits for all jobs to end, or for ctx.
func (r *Runner) Shutdown(ctx context.Context) error {
	r.mu.Lock()
	for _, j := range r.jobs {
		if j.snap.Cancellable {
			j.cancel()
		}
	}
	r.mu.Unlock()
	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
