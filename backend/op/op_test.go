package op

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"rewind/backend/deployment"
	"rewind/backend/store"
)

var testSpec = Spec{Kind: Backup, Steps: []Step{"one", "two", "three"}, Points: []Step{"two.mid"}}

type facts struct {
	N int `json:"n"`
}

func newKernel(t *testing.T) (*Kernel, deployment.Deployment) {
	t.Helper()
	st, err := store.Open(t.TempDir(), "op test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	dir := t.TempDir()
	dep := deployment.Deployment{Name: "shop", Path: dir, StorageDir: filepath.Join(dir, "..", "storage")}
	if dep.ID, err = st.CreateDeployment(context.Background(), dep); err != nil {
		t.Fatal(err)
	}
	return New(st), dep
}

func row(t *testing.T, k *Kernel, id int64) store.Operation {
	t.Helper()
	r, err := k.Store.GetOperation(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// An operation journals each step with its facts before the step's hook
// runs, ends in the state its error says, and releases the lock.
func TestStepsAreJournaledBeforeTheirHook(t *testing.T) {
	k, dep := newKernel(t)
	var seen []string
	var o *Op[facts]
	k.Hook = func(p string) error {
		r := row(t, k, o.ID())
		seen = append(seen, p+"@"+r.Step+":"+string(r.Facts))
		return nil
	}
	run := func(fail error) (err error) {
		o = For(k, &testSpec, dep, facts{N: 1})
		ctx, err := o.Begin(context.Background(), "test", "one")
		defer o.End(ctx, &err)
		if err != nil {
			return err
		}
		o.Facts.N = 2
		if err = o.Step(ctx, "two"); err != nil {
			return err
		}
		if err = o.Point("two.mid"); err != nil {
			return err
		}
		return fail
	}
	if err := run(nil); err != nil {
		t.Fatal(err)
	}
	want := []string{`backup.one@one:{"n":1}`, `backup.two@two:{"n":2}`, `backup.two.mid@two:{"n":2}`}
	if !slices.Equal(seen, want) {
		t.Errorf("hook saw %q, want %q", seen, want)
	}
	if r := row(t, k, o.ID()); r.State != store.OpSucceeded {
		t.Errorf("state %s, want succeeded", r.State)
	}
	for _, c := range []struct {
		err  error
		want State
	}{{errors.New("boom"), store.OpFailed}, {context.Canceled, store.OpCanceled}} {
		if err := run(c.err); !errors.Is(err, c.err) {
			t.Fatalf("got %v", err)
		}
		if r := row(t, k, o.ID()); r.State != c.want || r.Error == "" {
			t.Errorf("after %v: state %s error %q, want %s", c.err, r.State, r.Error, c.want)
		}
	}
	// The lock was released every time.
	_, release, err := Lock(context.Background(), dep, "after")
	if err != nil {
		t.Fatalf("lock after the operations: %v", err)
	}
	release()
}

// A step the spec does not declare is refused: the crash suites iterate the
// spec, so every step an operation reaches must be in it.
func TestUndeclaredStepIsRefused(t *testing.T) {
	k, dep := newKernel(t)
	o := For(k, &testSpec, dep, facts{})
	ctx, err := o.Begin(context.Background(), "test", "one")
	defer o.End(ctx, &err)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Step(ctx, "four"); err == nil || !strings.Contains(err.Error(), `no step "four"`) {
		t.Errorf("undeclared step: %v", err)
	}
	if err := o.Point("one.mid"); err == nil {
		t.Error("undeclared point accepted")
	}
	if got := testSpec.Names(); !slices.Equal(got, []string{"backup.one", "backup.two", "backup.three", "backup.two.mid"}) {
		t.Errorf("Names = %q", got)
	}
}

// A fault at the first step closes the row as failed and releases the
// lock; a crash (a panic through End) leaves the row at its last step for
// recovery and releases only the lock, as a dead process's flock is.
func TestFaultAtBeginAndCrashLeaveTheJournalHonest(t *testing.T) {
	k, dep := newKernel(t)
	k.Hook = func(p string) error {
		if p == "backup.one" {
			return errors.New("injected")
		}
		return nil
	}
	o := For(k, &testSpec, dep, facts{})
	if _, err := o.Begin(context.Background(), "test", "one"); err == nil {
		t.Fatal("fault at the first step not reported")
	}
	if r := row(t, k, o.ID()); r.State != store.OpFailed {
		t.Errorf("state %s, want failed", r.State)
	}

	k.Hook = func(p string) error {
		if p == "backup.two" {
			panic("crash")
		}
		return nil
	}
	o = For(k, &testSpec, dep, facts{})
	func() {
		defer func() { recover() }()
		ctx, err := o.Begin(context.Background(), "test", "one")
		defer o.End(ctx, &err)
		err = o.Step(ctx, "two")
	}()
	if r := row(t, k, o.ID()); r.State != store.OpRunning || r.Step != "two" {
		t.Errorf("after a crash: state %s step %s, want running at two", r.State, r.Step)
	}
	_, release, err := Lock(context.Background(), dep, "after")
	if err != nil {
		t.Fatalf("lock after the crash: %v", err)
	}
	release()
}

// The lock is re-entrant through the context, and only through it.
func TestLockIsReentrantThroughTheContext(t *testing.T) {
	_, dep := newKernel(t)
	ctx, release, err := Lock(context.Background(), dep, "outer")
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if !Holds(ctx, dep) || Holds(context.Background(), dep) {
		t.Error("Holds does not follow the context")
	}
	_, inner, err := Lock(ctx, dep, "inner")
	if err != nil {
		t.Fatalf("nested lock: %v", err)
	}
	inner()
	if _, _, err := Lock(context.Background(), dep, "other"); !errors.Is(err, ErrBusy) {
		t.Errorf("a second operation: %v, want busy", err)
	}
}

// The commit point tells the job and returns a context that is no longer
// cancelled.
func TestCommitTellsTheJobAndEndsCancellation(t *testing.T) {
	k, dep := newKernel(t)
	told := 0
	parent, cancel := context.WithCancel(WithCommitNotice(context.Background(), func() { told++ }))
	o := For(k, &testSpec, dep, facts{})
	ctx, err := o.Begin(parent, "test", "one")
	if err != nil {
		t.Fatal(err)
	}
	defer o.End(ctx, &err)
	ctx, err = o.Commit(ctx, "two")
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	if told != 1 || !o.Committed() || ctx.Err() != nil {
		t.Errorf("told %d, committed %v, ctx.Err %v", told, o.Committed(), ctx.Err())
	}
}

// Recovery runs every kind in the fixed order, each under its deployment's
// lock, then the sweeps; an operation it cannot settle stays for next time.
func TestRecoveryOrderAndLock(t *testing.T) {
	k, dep := newKernel(t)
	ctx := context.Background()
	for _, kind := range []Kind{Rollback, Backup, Upgrade, Restore} {
		if _, err := k.Store.BeginOperation(ctx, store.Operation{DeploymentID: dep.ID, Kind: kind, Step: "x"}); err != nil {
			t.Fatal(err)
		}
	}
	var order []string
	for _, kind := range []Kind{Upgrade, Backup, Rollback, Restore} {
		spec := &Spec{Kind: kind, Steps: []Step{"x"}}
		k.Register(Recoverer{Spec: spec,
			Recover: func(ctx context.Context, d deployment.Deployment, r store.Operation) (string, error) {
				if !Holds(ctx, d) {
					t.Errorf("%s recovered without the lock", kind)
				}
				order = append(order, string(kind))
				if kind == Upgrade {
					return "", errors.New("engine down")
				}
				o, err := Resume[facts](k, spec, d, r)
				if err != nil {
					return "", err
				}
				return "settled " + string(kind), o.Recovered(ctx, "done")
			},
			Sweep: func(context.Context, []store.Operation) ([]string, error) {
				order = append(order, "sweep "+string(kind))
				return nil, nil
			},
		})
	}
	lines, err := k.Recover(ctx)
	want := []string{"restore", "backup", "upgrade", "rollback", "sweep restore", "sweep backup", "sweep upgrade", "sweep rollback"}
	if !slices.Equal(order, want) {
		t.Errorf("order %q, want %q", order, want)
	}
	if err == nil || !strings.Contains(err.Error(), "engine down") || len(lines) != 3 {
		t.Errorf("lines %q, err %v", lines, err)
	}
	left, _ := k.Store.UnfinishedOperations(ctx)
	if len(left) != 1 || left[0].Kind != Upgrade {
		t.Errorf("left %+v, want the upgrade only", left)
	}
	if _, err := os.Stat(dep.LockPath()); err != nil {
		t.Errorf("lock file: %v", err)
	}
}
