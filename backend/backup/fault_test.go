package backup_test

import (
	"context"
	"crypto/rand"
	"errors"
	"os"
	"rewind/backend/op/optest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"rewind/backend/backup"
	"rewind/backend/deployment"
	"rewind/backend/docker"
	"rewind/backend/op"
	"rewind/backend/store"
)

// fakeEngine runs one service, "web", and records what the backup asks of
// it.
type fakeEngine struct {
	mu      sync.Mutex
	calls   []string
	running bool
}

func (e *fakeEngine) call(c string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls = append(e.calls, c)
	switch c {
	case "stop":
		e.running = false
	case "start":
		e.running = true
	}
}

func (e *fakeEngine) Calls() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.calls)
}

func (e *fakeEngine) Running() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.running
}

func (e *fakeEngine) Snapshot(_ context.Context, project string) (docker.Snapshot, error) {
	e.call("snapshot")
	return docker.Snapshot{Project: project, Containers: []docker.ContainerState{
		{ID: "c1", Service: "web", Name: project + "-web-1", WasRunning: true, Image: "x"}}}, nil
}

func (e *fakeEngine) Stop(_ context.Context, snap docker.Snapshot, _ time.Duration) (docker.StopReport, error) {
	e.call("stop")
	return docker.StopReport{Project: snap.Project}, nil
}

func (e *fakeEngine) Start(context.Context, docker.Snapshot, time.Duration) error {
	e.call("start")
	return nil
}

func (e *fakeEngine) RestorePolicies(context.Context, docker.Snapshot) error {
	e.call("policies")
	return nil
}

// faultFixture is a deployment whose one service runs on a fake engine,
// with a backup manager whose kernel recovers backups.
type faultFixture struct {
	m   *backup.Manager
	dep deployment.Deployment
	eng *fakeEngine
}

func newFaultFixture(t *testing.T) faultFixture {
	t.Helper()
	blob := make([]byte, 1<<20)
	rand.Read(blob)
	m, dep := newProject(t, map[string]string{"data/blob.bin": string(blob), "data/db.txt": "rows\n"})
	eng := &fakeEngine{running: true}
	m.Connect = func(context.Context) (backup.Engine, error) { return eng, nil }
	m.Kernel.Register(m.Recoverer())
	return faultFixture{m, dep, eng}
}

// afterPublish reports whether the named step or point comes once the
// archive has its final name: from then on the backup is completed, by the
// run itself or by recovery.
func afterPublish(name string) bool {
	st := op.Step(strings.TrimPrefix(name, string(backup.Spec.Kind)+"."))
	i := slices.Index(backup.Spec.Steps, st)
	return i >= 0 && i >= slices.Index(backup.Spec.Steps, "published")
}

// check asserts what a backup that failed or crashed at point leaves once
// recovery ran, and the failed one before it too (recovery removes stray
// partial files and settles in_progress records: the run must not count on
// it): the services run again, no partial file, a record that is failed
// (or completed with a file that verifies, past the publish), no unfinished
// operation after recovery, and a next backup succeeds.
func (f faultFixture) check(t *testing.T, point string, stopped, failed bool) {
	t.Helper()
	ctx := context.Background()
	if failed {
		f.left(t, point, stopped, false)
	}
	lines, err := f.m.Kernel.Recover(ctx)
	if err != nil {
		t.Fatalf("recover: %v (%v)", err, lines)
	}
	f.left(t, point, stopped, true)
	if ops, _ := f.m.Store.UnfinishedOperations(ctx); len(ops) != 0 {
		t.Errorf("unfinished operations left: %+v", ops)
	}
	res, err := f.m.Create(ctx, f.dep, backup.CreateRequest{StopServices: stopped}, nil)
	if err != nil || res.Record.Status != backup.StatusCompleted {
		t.Fatalf("next backup: %+v %v", res.Record, err)
	}
	if !f.eng.Running() {
		t.Error("services not running after the next backup")
	}
}

// left asserts the services, the storage and the record of the backup
// stopped at point; a record past the publish may still be in progress
// until recovery ran.
func (f faultFixture) left(t *testing.T, point string, stopped, recovered bool) {
	t.Helper()
	ctx := context.Background()
	calls := f.eng.Calls()
	if slices.Contains(calls, "stop") && !f.eng.Running() {
		t.Errorf("services stopped by the backup and not started again: %v", calls)
	}
	if !stopped && slices.Contains(calls, "stop") {
		t.Errorf("services stopped by a backup that was not to stop them: %v", calls)
	}
	ents, _ := os.ReadDir(f.dep.StorageDir)
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".partial") {
			t.Errorf("partial file left: %s", e.Name())
		}
	}
	recs, err := f.m.List(ctx, f.dep)
	if err != nil {
		t.Fatal(err)
	}
	if point != "backup.started" && len(recs) != 1 {
		t.Fatalf("records %+v, want the one of the backup", recs)
	}
	for _, r := range recs {
		switch {
		case !afterPublish(point) && r.Status != backup.StatusFailed:
			t.Errorf("record %+v: want failed", r)
		case !afterPublish(point):
		case r.Status == backup.StatusInProgress && !recovered:
		case r.Status != backup.StatusCompleted:
			t.Errorf("record %+v: want completed, its file published", r)
		default:
			if _, err := f.m.Verify(ctx, f.dep, r.ID, nil); err != nil {
				t.Errorf("the completed backup does not verify: %v", err)
			}
		}
	}
}

// A fault at any step or point of a backup fails it with that fault and
// leaves nothing behind: the catalog and the storage say what happened and
// the services run again.
func TestFaultAtEveryStep(t *testing.T) {
	for _, stopped := range []bool{true, false} {
		for _, point := range backup.Spec.Names() {
			name := point
			if stopped {
				name += "/stop"
			}
			t.Run(name, func(t *testing.T) {
				f := newFaultFixture(t)
				fault := errors.New("injected fault")
				reached := false
				f.m.Kernel.Hook = func(p string) error {
					if p == point {
						reached = true
						return fault
					}
					return nil
				}
				_, err := f.m.Create(context.Background(), f.dep, backup.CreateRequest{StopServices: stopped}, nil)
				f.m.Kernel.Hook = nil
				if point == "backup.stopping" && !stopped {
					if err != nil || reached {
						t.Fatalf("a backup that stops nothing reached %s: %v", point, err)
					}
					return
				}
				if !errors.Is(err, fault) {
					t.Fatalf("got %v, want the injected fault", err)
				}
				f.check(t, point, stopped, true)
			})
		}
	}
}

// A crash at any step or point of a backup, followed by recovery, leaves the
// catalog honest and the deployment usable.
func TestCrashAtEveryStep(t *testing.T) {
	for _, stopped := range []bool{true, false} {
		for _, point := range backup.Spec.Names() {
			if point == "backup.stopping" && !stopped {
				continue
			}
			name := point
			if stopped {
				name += "/stop"
			}
			t.Run(name, func(t *testing.T) {
				f := newFaultFixture(t)
				crashed := optest.Crash(f.m.Kernel, point, func() {
					f.m.Create(context.Background(), f.dep, backup.CreateRequest{StopServices: stopped}, nil)
				})
				if !crashed {
					t.Fatalf("the backup never reached %s", point)
				}
				f.honestJournal(t)
				f.check(t, point, stopped, false)
			})
		}
	}
}

// honestJournal asserts that the journal does not call a crashed backup
// finished: its operation is still running (for recovery), or succeeded
// with its record completed.
func (f faultFixture) honestJournal(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	ops, err := f.m.Store.ListOperations(ctx, f.dep.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	recs, _ := f.m.List(ctx, f.dep)
	for _, o := range ops {
		switch {
		case o.State == store.OpRunning:
		case o.State == store.OpSucceeded && len(recs) == 1 && recs[0].Status == backup.StatusCompleted:
		default:
			t.Errorf("after the crash the operation is %s at %s (records %+v), want it left for recovery", o.State, o.Step, recs)
		}
	}
}

// A backup tells the job it passed its commit point (from then on it is not
// cancelled); a backup inside another operation (a restore's safety copy, an
// upgrade's pre-upgrade backup) does not: the outer one stays cancellable.
func TestOnlyABackupOfItsOwnTellsItsCommit(t *testing.T) {
	m, dep := newProject(t, nil)
	told := 0
	ctx := op.WithCommitNotice(context.Background(), func() { told++ })
	if _, err := m.Create(ctx, dep, backup.CreateRequest{}, nil); err != nil || told != 1 {
		t.Fatalf("backup: %v, told its commit %d time(s), want once", err, told)
	}
	told = 0
	ctx, release, err := op.Lock(ctx, dep, "restore")
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if _, err := m.Create(ctx, dep, backup.CreateRequest{Type: backup.TypePreRestore}, nil); err != nil || told != 0 {
		t.Fatalf("nested backup: %v, told its commit %d time(s), want never", err, told)
	}
}
