package jobs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"rewind/backend/deployment"
	"rewind/backend/op"
	"rewind/backend/progress"
	"rewind/backend/store/storetest"
	"rewind/backend/view"
)

type recorder struct {
	mu    sync.Mutex
	snaps []view.Job
	done  chan view.Job
}

func newRecorder() *recorder { return &recorder{done: make(chan view.Job, 8)} }

func (r *recorder) emit(j view.Job) {
	r.mu.Lock()
	r.snaps = append(r.snaps, j)
	r.mu.Unlock()
	if j.State != view.JobRunning {
		r.done <- j
	}
}

func (r *recorder) wait(t *testing.T) view.Job {
	t.Helper()
	select {
	case j := <-r.done:
		return j
	case <-time.After(10 * time.Second):
		t.Fatal("no final event")
	}
	return view.Job{}
}

func TestFinalEventAlwaysSentWithIncreasingSeq(t *testing.T) {
	cases := []struct {
		name  string
		fn    Func
		state string
		code  string
	}{
		{"success", func(ctx context.Context, r progress.Report, _ func(string)) (any, error) { return 42, nil }, view.JobSucceeded, ""},
		{"failure", func(ctx context.Context, r progress.Report, _ func(string)) (any, error) {
			return nil, errors.New("boom")
		}, view.JobFailed, view.CodeInternal},
		{"panic", func(ctx context.Context, r progress.Report, _ func(string)) (any, error) { panic("bad") }, view.JobFailed, view.CodeInternal},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := newRecorder()
			run := New(rec.emit)
			run.Start("backup", "test", true, c.fn)
			final := rec.wait(t)
			if final.State != c.state {
				t.Fatalf("state: got %q, want %q", final.State, c.state)
			}
			if c.code != "" && (final.Error == nil || final.Error.Code != c.code) {
				t.Errorf("error: got %+v, want code %q", final.Error, c.code)
			}
			rec.mu.Lock()
			defer rec.mu.Unlock()
			for i := 1; i < len(rec.snaps); i++ {
				if rec.snaps[i].Seq <= rec.snaps[i-1].Seq {
					t.Errorf("seq not increasing: %d then %d", rec.snaps[i-1].Seq, rec.snaps[i].Seq)
				}
			}
		})
	}
}

func TestThrottleKeepsPhaseChanges(t *testing.T) {
	rec := newRecorder()
	run := New(rec.emit)
	run.Start("backup", "test", true, func(ctx context.Context, r progress.Report, _ func(string)) (any, error) {
		r(progress.Progress{Phase: progress.Preparing, Message: "scanning"})
		for i := 0; i < 10000; i++ {
			r(progress.Progress{Phase: progress.Archiving, BytesDone: int64(i), BytesTotal: 10000})
		}
		r(progress.Progress{Phase: progress.Verifying})
		return nil, nil
	})
	rec.wait(t)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for _, s := range rec.snaps {
		if s.Phase == string(progress.Archiving) && s.Message == "scanning" {
			t.Errorf("the archiving phase shows the preparing phase's message: %+v", s)
		}
	}
	if n := len(rec.snaps); n > 50 {
		t.Errorf("%d snapshots for 10000 reports: not throttled", n)
	}
	sawVerifying := false
	for _, s := range rec.snaps {
		if s.Phase == string(progress.Verifying) {
			sawVerifying = true
		}
	}
	if !sawVerifying {
		t.Error("a phase change was throttled away")
	}
}

func TestCancel(t *testing.T) {
	rec := newRecorder()
	run := New(rec.emit)
	started := make(chan struct{})
	id := run.Start("backup", "test", true, func(ctx context.Context, r progress.Report, _ func(string)) (any, error) {
		close(started)
		<-ctx.Done()
		return nil, ctx.Err()
	})
	<-started
	if err := run.Cancel(id); err != nil {
		t.Fatal(err)
	}
	if j := rec.wait(t); j.State != view.JobCanceled {
		t.Errorf("state: got %q, want canceled", j.State)
	}
	if err := run.Cancel("nope"); !errors.Is(err, ErrUnknownJob) {
		t.Errorf("unknown job: got %v", err)
	}

	block := make(chan struct{})
	id = run.Start("rollback", "test", false, func(ctx context.Context, r progress.Report, _ func(string)) (any, error) {
		<-block
		return nil, nil
	})
	if err := run.Cancel(id); !errors.Is(err, ErrNotCancellable) {
		t.Errorf("not cancellable: got %v", err)
	}
	close(block)
	rec.wait(t)
	if got := run.List(); len(got) != 2 || got[0].ID != id {
		t.Errorf("list: got %d jobs, newest %q; want 2, newest %q", len(got), got[0].ID, id)
	}
}

// A job whose operation passes its commit point stops being cancellable at
// once: a snapshot says so, Cancel is refused, and the context the job
// works on is not cancelled. The operation is a real one over the kernel.
func TestCommitPointEndsCancellation(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "docker-compose.yml"), []byte("services:\n  web:\n    image: shop:1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	st := storetest.Open(t)
	dep, err := deployment.Init(ctx, st, t.TempDir(), deployment.InitOptions{Path: dir})
	if err != nil {
		t.Fatal(err)
	}
	spec := &op.Spec{Kind: op.Restore, Steps: []op.Step{"planned", "swapping"}}
	k := op.New(st)

	rec := newRecorder()
	run := New(rec.emit)
	begun, committed, finish := make(chan struct{}), make(chan struct{}), make(chan struct{})
	var jobCtx, workCtx context.Context // what the job got, what it works on after the commit
	id := run.Start("restore", "test", true, func(ctx context.Context, _ progress.Report, _ func(string)) (_ any, err error) {
		jobCtx = ctx
		o := op.For(k, spec, dep, struct{}{})
		if ctx, err = o.Begin(ctx, "restore", "planned"); err != nil {
			return nil, err
		}
		defer o.End(ctx, &err)
		close(begun)
		<-committed
		if ctx, err = o.Commit(ctx, "swapping"); err != nil {
			return nil, err
		}
		workCtx = ctx
		close(finish)
		<-committed // reopened below: wait for the test's Cancel
		return nil, ctx.Err()
	})
	<-begun
	if got := run.List()[0]; !got.Cancellable || got.Committed {
		t.Fatalf("before the commit: got cancellable %v, committed %v; want true, false", got.Cancellable, got.Committed)
	}
	rec.mu.Lock()
	before := len(rec.snaps)
	rec.mu.Unlock()

	committed <- struct{}{}
	<-finish
	rec.mu.Lock()
	after := rec.snaps[before:]
	rec.mu.Unlock()
	if len(after) != 1 || after[0].Cancellable || !after[0].Committed || after[0].State != view.JobRunning {
		t.Fatalf("snapshots at the commit: got %+v; want one running snapshot, not cancellable, committed", after)
	}
	if after[0].Seq <= rec.snaps[before-1].Seq {
		t.Errorf("seq: got %d after %d", after[0].Seq, rec.snaps[before-1].Seq)
	}

	if err := run.Cancel(id); !errors.Is(err, ErrCommitted) || !errors.Is(err, ErrNotCancellable) {
		t.Errorf("cancel after the commit: got %v, want ErrCommitted", err)
	}
	if jobCtx.Err() != nil || workCtx.Err() != nil {
		t.Errorf("the job's contexts after a refused cancel: got %v and %v, want nil", jobCtx.Err(), workCtx.Err())
	}
	committed <- struct{}{}
	if j := rec.wait(t); j.State != view.JobSucceeded || j.Cancellable {
		t.Errorf("final: got state %q, cancellable %v; want succeeded, false", j.State, j.Cancellable)
	}
}
