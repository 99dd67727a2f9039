// Package op is the operation kernel: what every mutating operation of a
// deployment (backup, restore, upgrade, rollback) shares, so that each of
// them is a sequence of named steps over it (docs/architecture.md).
//
// The kernel owns the deployment's lock, the journal (one catalog row per
// operation, and optionally a file beside the work it describes, written
// before each step), the one hook that serves both the crash points of the
// crashtest build and the faults tests inject, the commit point after which
// an operation cannot be cancelled, how an operation ends (succeeded,
// failed, canceled, left for recovery), and the registry that recovers
// every kind of interrupted operation at start, in one fixed order, each
// under its deployment's lock.
package op

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"rewind/backend/store"
)

// Kind names a kind of operation, as the journal records it.
type Kind = store.OpKind

// The kinds of journaled operations, in the order recovery settles them:
// the files of an interrupted restore are put back before the upgrade or
// rollback that ran it is redone.
const (
	Restore  Kind = "restore"
	Backup   Kind = "backup"
	Upgrade  Kind = "upgrade"
	Rollback Kind = "rollback"
)

var recoveryOrder = []Kind{Restore, Backup, Upgrade, Rollback}

// State is where an operation stands in the journal.
type State = store.OpState

// Step names a point an operation reaches, in words: "staged", "swapped".
// The same name is the journal's step, the crash point (kind.step), the
// log's word and the name docs/safety.md uses.
type Step string

// NeedsRecovery is the step of an operation that ended without settling
// what it changed: recovery at the next start finishes or undoes it.
const NeedsRecovery Step = "needs-recovery"

// Spec declares a kind of operation: its journaled steps in the order they
// run, and the crash points inside steps (reached during long work, not
// journaled). An operation may reach only what its spec declares, so the
// crash and fault suites, which iterate Names, cover every step.
type Spec struct {
	Kind   Kind
	Steps  []Step
	Points []Step
}

// Names returns "kind.step" for every step and point, in order.
func (s *Spec) Names() []string {
	var out []string
	for _, st := range append(append([]Step{}, s.Steps...), s.Points...) {
		out = append(out, s.name(st))
	}
	return out
}

func (s *Spec) name(st Step) string { return string(s.Kind) + "." + string(st) }

func (s *Spec) declares(st Step) bool {
	return slices.Contains(s.Steps, st) || slices.Contains(s.Points, st)
}

// Kernel journals and recovers the operations of one catalog.
type Kernel struct {
	Store *store.Store
	// Hook is called at every step and crash point with its name
	// ("restore.swapped"). A non-nil error fails the step: tests inject
	// faults with it, or panic to stand for a crash. Nil in production.
	Hook func(point string) error

	recoverers []Recoverer
}

// New returns the kernel of a catalog.
func New(st *store.Store) *Kernel { return &Kernel{Store: st} }

// hit marks that an operation of spec reached st: the crash point of the
// crashtest build, then the test hook.
func (k *Kernel) hit(spec *Spec, st Step) error {
	if !spec.declares(st) {
		return fmt.Errorf("internal error: %s has no step %q", spec.Kind, st)
	}
	name := spec.name(st)
	crashHit(name)
	if k != nil && k.Hook != nil {
		if err := k.Hook(name); err != nil {
			return fmt.Errorf("step %s: %w", st, err)
		}
	}
	return nil
}

// ErrNotCancellable: the operation cannot be cancelled safely now.
var ErrNotCancellable = errors.New("this operation cannot be cancelled at this point")

// ErrCommitted: the operation has passed its commit point and runs to its
// end, whatever is asked. It is an ErrNotCancellable.
var ErrCommitted = fmt.Errorf("%w: it has passed its commit point and will run to its end", ErrNotCancellable)

type commitKey struct{}

// WithCommitNotice returns a context whose operations call fn once they
// pass their commit point: from then on they cannot be cancelled, and a
// job hides its Cancel button.
func WithCommitNotice(ctx context.Context, fn func()) context.Context {
	return context.WithValue(ctx, commitKey{}, fn)
}

func notifyCommit(ctx context.Context) {
	if fn, ok := ctx.Value(commitKey{}).(func()); ok && fn != nil {
		fn()
	}
}
