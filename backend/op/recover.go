package op

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"rewind/backend/deployment"
	"rewind/backend/store"
)

// Recoverer settles the interrupted operations of one kind.
type Recoverer struct {
	Spec *Spec
	// Recover settles one unfinished operation: it finishes or undoes it and
	// ends its journal row (Resume, then Recovered), or returns an error and
	// leaves the row for the next start. ctx holds the deployment's lock.
	// The line it returns tells the admin what was done ("" for nothing).
	Recover func(ctx context.Context, dep deployment.Deployment, row store.Operation) (string, error)
	// Sweep, when set, settles what no journal row names (stray work
	// directories, rows left in progress). It runs once every kind's rows
	// were settled, in the same order, and is given the rows still
	// unfinished (those recovery could not settle).
	Sweep func(ctx context.Context, unfinished []store.Operation) ([]string, error)
}

// Register adds the recovery of a kind of operation. Each kind has one.
func (k *Kernel) Register(r Recoverer) {
	if !slices.Contains(recoveryOrder, r.Spec.Kind) {
		panic("op: no recovery order for kind " + string(r.Spec.Kind))
	}
	for _, have := range k.recoverers {
		if have.Spec.Kind == r.Spec.Kind {
			panic("op: a second recovery for kind " + string(r.Spec.Kind))
		}
	}
	k.recoverers = append(k.recoverers, r)
	slices.SortStableFunc(k.recoverers, func(a, b Recoverer) int {
		return slices.Index(recoveryOrder, a.Spec.Kind) - slices.Index(recoveryOrder, b.Spec.Kind)
	})
}

// Recover settles every operation the journal says is unfinished, kind by
// kind in the fixed order (restore, backup, upgrade, rollback), each under
// its deployment's lock, then runs every kind's sweep. It is what a process
// runs once when it opens the catalog. It returns one line per action for
// the admin; an operation it cannot settle stays journaled for the next
// start and its error is returned (joined with the others).
func (k *Kernel) Recover(ctx context.Context) ([]string, error) {
	rows, err := k.Store.UnfinishedOperations(ctx) // the one scan of the journal
	if err != nil {
		return nil, err
	}
	var lines []string
	var errs []error
	for _, r := range k.recoverers {
		for _, row := range rows {
			if row.Kind != r.Spec.Kind {
				continue
			}
			line, err := k.recoverOne(ctx, r, row)
			if line != "" {
				lines = append(lines, line)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("interrupted %s (operation #%d): %w", row.Kind, row.ID, err))
			}
		}
	}
	left, err := k.Store.UnfinishedOperations(ctx)
	if err != nil {
		return lines, errors.Join(append(errs, err)...)
	}
	for _, r := range k.recoverers {
		if r.Sweep == nil {
			continue
		}
		l, err := r.Sweep(ctx, left)
		lines = append(lines, l...)
		if err != nil {
			errs = append(errs, err)
		}
	}
	return lines, errors.Join(errs...)
}

func (k *Kernel) recoverOne(ctx context.Context, r Recoverer, row store.Operation) (string, error) {
	dep, err := k.Store.DeploymentByID(ctx, row.DeploymentID)
	if err != nil {
		return "", err
	}
	ctx, release, err := Lock(ctx, dep, "recovery of an interrupted "+string(row.Kind))
	if err != nil {
		return "", err
	}
	defer release()
	return r.Recover(ctx, dep, row)
}
