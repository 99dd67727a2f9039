package docker

import (
	"context"
	"errors"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/docker/docker/api/types/container"
)

// Start undoes Stop: it restores every container's original restart policy,
// starts exactly the containers that were running when snap was taken, and
// waits up to waitTimeout until they run and are healthy (see WaitHealthy
// for the rule). Every policy is restored even when a start fails; all
// failures are joined, each naming its container.
func (e *Engine) Start(ctx context.Context, snap Snapshot, waitTimeout time.Duration) error {
	var errs []error
	if err := e.RestorePolicies(ctx, snap); err != nil {
		errs = append(errs, err)
	}
	started := []ContainerState{}
	for _, c := range snap.Containers {
		if !c.WasRunning {
			continue
		}
		err := e.cli.ContainerStart(ctx, c.ID, container.StartOptions{})
		if cerrdefs.IsNotFound(err) {
			if c.AutoRemove {
				continue // a "run --rm" container is gone once stopped
			}
			err = ErrContainerGone
		}
		if err != nil {
			ce := &ContainerError{Op: "start", ID: c.ID, Name: c.Name, Err: e.wrap(err)}
			if cur, ierr := e.inspect(ctx, c.ID); ierr == nil {
				ce.State = cur.describe()
			}
			errs = append(errs, ce)
			continue
		}
		started = append(started, c)
	}
	if len(started) > 0 {
		if _, err := e.waitStarted(ctx, started, e.settle, waitTimeout); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// RestorePolicies sets every container of snap back to its recorded restart
// policy. It tries all of them and joins the failures; a "run --rm"
// container that is gone is skipped. Recovery calls it on its own.
func (e *Engine) RestorePolicies(ctx context.Context, snap Snapshot) error {
	var errs []error
	for _, c := range snap.Containers {
		err := e.setPolicy(ctx, c, c.Policy)
		if errors.Is(err, ErrContainerGone) && c.AutoRemove {
			continue
		}
		if err != nil {
			errs = append(errs, &ContainerError{Op: "restore restart policy of", ID: c.ID, Name: c.Name, Err: err})
		}
	}
	return errors.Join(errs...)
}

// setPolicy updates c's restart policy; "" (none recorded) is set as "no",
// which the engine treats the same.
func (e *Engine) setPolicy(ctx context.Context, c ContainerState, p RestartPolicy) error {
	mode := container.RestartPolicyMode(p.Name)
	if mode == "" {
		mode = container.RestartPolicyDisabled
	}
	retries := p.MaximumRetryCount
	if mode != container.RestartPolicyOnFailure {
		retries = 0 // the engine rejects a count with other modes
	}
	update := container.UpdateConfig{RestartPolicy: container.RestartPolicy{Name: mode, MaximumRetryCount: retries}}
	var err error
	// A crash-looping container can be between two runs when the update
	// arrives; the engine then answers "container not running". Try again.
	for attempt := 0; attempt < 10; attempt++ {
		_, err = e.cli.ContainerUpdate(ctx, c.ID, update)
		if err == nil || cerrdefs.IsNotFound(err) || !strings.Contains(err.Error(), "not running") {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(300 * time.Millisecond):
		}
	}
	if cerrdefs.IsNotFound(err) {
		return ErrContainerGone
	}
	return e.wrap(err)
}
