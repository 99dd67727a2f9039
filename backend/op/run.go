package op

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"rewind/backend/deployment"
	"rewind/backend/durable"
	"rewind/backend/store"
)

// Op is one operation in flight: its journal row, the facts recovery needs
// (F, journaled with each step) and the deployment's lock.
//
//	o := op.For(k, &Spec, dep, facts)
//	ctx, err := o.Begin(ctx, "restore of backup #3", "planned")
//	if err != nil { return err }
//	defer o.End(ctx, &err)
//	... o.Facts.X = ...; err = o.Step(ctx, "stopped") ...
type Op[F any] struct {
	// Facts are what recovery needs; Step journals them as they are.
	Facts F
	// File, when set, is a journal file written (durably) before the
	// catalog row at every step: the newer of the two when a crash comes
	// between them.
	File string
	// Record, when set, inserts the journal row in place of the kernel (a
	// backup records its catalog row in the same commit). It returns the
	// operation's ID.
	Record func(ctx context.Context, row store.Operation) (int64, error)

	k         *Kernel
	spec      *Spec
	dep       deployment.Deployment
	id        int64
	step      Step
	release   func()
	committed bool
	closed    bool // the row was finished elsewhere (Closed)
	leave     bool // End leaves the row for recovery (Leave)
	ended     bool
	resumed   bool // taken up by recovery: its step may be one an older version wrote
}

// For prepares an operation of spec on dep with its first facts.
func For[F any](k *Kernel, spec *Spec, dep deployment.Deployment, facts F) *Op[F] {
	return &Op[F]{Facts: facts, k: k, spec: spec, dep: dep}
}

// ID is the operation's journal ID (0 before Begin).
func (o *Op[F]) ID() int64 { return o.id }

// Current is the last step journaled.
func (o *Op[F]) Current() Step { return o.step }

// Committed reports whether the operation passed its commit point.
func (o *Op[F]) Committed() bool { return o.committed }

// Begin takes the deployment's lock (unless ctx holds it: an operation
// inside another), journals the operation at step first, and marks that
// step. The returned context carries the lock for nested operations. On
// error the lock is not held and nothing is left running (a fault at the
// first step ends the row failed).
func (o *Op[F]) Begin(ctx context.Context, what string, first Step) (context.Context, error) {
	ctx, release, err := Lock(ctx, o.dep, what)
	if err != nil {
		return ctx, err
	}
	if !o.spec.declares(first) {
		release()
		return ctx, fmt.Errorf("internal error: %s has no step %q", o.spec.Kind, first)
	}
	raw, err := json.Marshal(o.Facts)
	if err != nil {
		release()
		return ctx, err
	}
	row := store.Operation{DeploymentID: o.dep.ID, Kind: o.spec.Kind, Step: string(first), Facts: raw}
	insert := o.Record
	if insert == nil {
		insert = o.k.Store.BeginOperation
	}
	if o.id, err = insert(ctx, row); err != nil {
		release()
		return ctx, fmt.Errorf("journal the %s: %w", o.spec.Kind, err)
	}
	o.step, o.release = first, release
	defer func() {
		if p := recover(); p != nil {
			o.crash(p)
		}
	}()
	if err := o.k.hit(o.spec, first); err != nil {
		o.End(ctx, &err)
		return ctx, err
	}
	return ctx, nil
}

// Step journals the step about to be taken with the facts as they are
// (whatever the context says: a journal write is never cancelled), then
// marks it.
func (o *Op[F]) Step(ctx context.Context, st Step) error {
	if err := o.save(ctx, st); err != nil {
		return err
	}
	return o.k.hit(o.spec, st)
}

// Save journals the facts as they are, at the current step, without
// marking a step.
func (o *Op[F]) Save(ctx context.Context) error { return o.save(ctx, o.step) }

func (o *Op[F]) save(ctx context.Context, st Step) error {
	if !o.spec.declares(st) && st != NeedsRecovery && !(o.resumed && st == o.step) {
		return fmt.Errorf("internal error: %s has no step %q", o.spec.Kind, st)
	}
	if o.File != "" {
		b, err := json.MarshalIndent(o.Facts, "", "  ")
		if err != nil {
			return err
		}
		if err := durable.WriteFile(o.File, b, 0o600); err != nil {
			return fmt.Errorf("journal step %s: %w", st, err)
		}
	}
	if err := o.k.Store.UpdateOperation(context.WithoutCancel(ctx), o.id, string(st), o.Facts); err != nil {
		return fmt.Errorf("journal step %s: %w", st, err)
	}
	o.step = st
	return nil
}

// Point marks a crash point inside the current step (long work: half an
// archive written, one entry of many swapped). Nothing is journaled.
func (o *Op[F]) Point(st Step) error { return o.k.hit(o.spec, st) }

// Commit journals st as the operation's commit point: from here on it runs
// to its end (or its undo) whatever the admin asks, and the job is told so,
// once. The returned context is no longer cancelled.
func (o *Op[F]) Commit(ctx context.Context, st Step) (context.Context, error) {
	o.committed = true
	notifyCommit(ctx)
	// Operations inside this one (a rollback's restore) run past the
	// commit already: they have nothing more to tell the job.
	ctx = WithCommitNotice(context.WithoutCancel(ctx), nil)
	return ctx, o.Step(ctx, st)
}

// Closed says the journal row was finished by the caller's own commit (a
// backup completes its record and its operation together).
func (o *Op[F]) Closed() { o.closed = true }

// Leave says the operation ends without settling what it changed: End
// leaves it running, at step NeedsRecovery, for recovery at the next start.
func (o *Op[F]) Leave() { o.leave = true }

// End finishes the operation from the error it returns: succeeded, failed,
// canceled (the context was cancelled), or left for recovery (Leave). It
// releases the lock. It is meant to be deferred; later calls do nothing.
// A panic passing through it (a crash, in the tests that stand for one with
// a panicking Hook) leaves the row as it was, for recovery, as a kill would.
func (o *Op[F]) End(ctx context.Context, errp *error) {
	if p := recover(); p != nil {
		o.crash(p)
	}
	if o.ended || o.id == 0 {
		return
	}
	o.ended = true
	defer o.release()
	ctx = context.WithoutCancel(ctx)
	var err error
	if errp != nil {
		err = *errp
	}
	switch {
	case o.closed:
	case o.leave:
		o.save(ctx, NeedsRecovery)
	case err == nil:
		o.k.Store.FinishOperation(ctx, o.id, store.OpSucceeded, "")
	case errors.Is(err, context.Canceled):
		o.k.Store.FinishOperation(ctx, o.id, store.OpCanceled, err.Error())
	default:
		o.k.Store.FinishOperation(ctx, o.id, store.OpFailed, err.Error())
	}
}

// crash lets the panic p go on without finishing the journal row, and
// releases the lock as the process's death would.
func (o *Op[F]) crash(p any) {
	if !o.ended && o.release != nil {
		o.ended = true
		o.release()
	}
	panic(p)
}

// Recovered finishes an operation recovery settled, with a note saying how.
func (o *Op[F]) Recovered(ctx context.Context, note string) error {
	o.ended = true
	return o.k.Store.FinishOperation(context.WithoutCancel(ctx), o.id, store.OpRecovered, note)
}

// Resume takes up an unfinished operation from its journal row, for its
// recovery: its facts are decoded into F. The caller holds the lock (the
// kernel's Recover does).
func Resume[F any](k *Kernel, spec *Spec, dep deployment.Deployment, row store.Operation) (*Op[F], error) {
	o := &Op[F]{k: k, spec: spec, dep: dep, id: row.ID, step: Step(row.Step), release: func() {}, resumed: true}
	if len(row.Facts) == 0 { // journaled before any fact was known
		return o, nil
	}
	if err := json.Unmarshal(row.Facts, &o.Facts); err != nil {
		return nil, fmt.Errorf("journal facts of %s #%d: %w", row.Kind, row.ID, err)
	}
	return o, nil
}
