package docker

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/docker/docker/api/types/container"
)

// engineDefaultStop is the engine's SIGTERM → SIGKILL wait when neither the
// caller nor the container sets one.
const engineDefaultStop = 10

// StopReport tells what Stop did, so callers can record and show it.
type StopReport struct {
	Project   string             `json:"project"`
	TimeoutMs int64              `json:"timeoutMs"` // -1: each container's own stop timeout
	Stopped   []StoppedContainer `json:"stopped"`   // containers Stop found running and stopped
}

// StoppedContainer is one container Stop stopped.
type StoppedContainer struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Service  string `json:"service"`
	ExitCode int    `json:"exitCode"`
	// Killed: the container ignored SIGTERM and was killed when the timeout
	// ran out (exit 137). Its data may be as inconsistent as after a crash.
	Killed      bool  `json:"killed"`
	WaitSeconds int   `json:"waitSeconds"` // the SIGTERM → SIGKILL wait that applied
	TookMs      int64 `json:"tookMs"`
}

// Killed returns the containers that needed SIGKILL.
func (r StopReport) Killed() []StoppedContainer {
	out := []StoppedContainer{}
	for _, c := range r.Stopped {
		if c.Killed {
			out = append(out, c)
		}
	}
	return out
}

// Warnings returns one sentence per killed container, for the admin.
func (r StopReport) Warnings() []string {
	out := []string{}
	for _, c := range r.Killed() {
		out = append(out, c.Message())
	}
	return out
}

// Message describes how the container stopped.
func (c StoppedContainer) Message() string {
	if c.Killed {
		return fmt.Sprintf("container %s ignored SIGTERM and was killed after %ds", c.Name, c.WaitSeconds)
	}
	return fmt.Sprintf("container %s stopped (exit code %d)", c.Name, c.ExitCode)
}

// Stop quiesces the containers of snap: it sets every restart policy to
// "no" (so neither the engine nor a daemon restart revives them), stops the
// running ones (SIGTERM, then SIGKILL after timeout; a negative timeout uses
// each container's own), confirms by inspect that none runs or restarts, and
// checks that no container unknown to snap runs in the project.
//
// On error some containers may be stopped and policies changed: call Start
// (or RestorePolicies) with the same snapshot in every case.
func (e *Engine) Stop(ctx context.Context, snap Snapshot, timeout time.Duration) (StopReport, error) {
	rep := StopReport{Project: snap.Project, TimeoutMs: -1, Stopped: []StoppedContainer{}}
	if timeout >= 0 {
		rep.TimeoutMs = timeout.Milliseconds()
	}
	for _, c := range snap.Containers {
		if err := e.setPolicy(ctx, c, RestartPolicy{Name: string(container.RestartPolicyDisabled)}); err != nil {
			return rep, &ContainerError{Op: "disable restart policy of", ID: c.ID, Name: c.Name, Err: err}
		}
	}
	type result struct {
		stopped StoppedContainer
		did     bool
		err     error
	}
	results := make([]result, len(snap.Containers))
	var wg sync.WaitGroup
	for i, c := range snap.Containers {
		wg.Go(func() {
			s, did, err := e.stopOne(ctx, c, timeout)
			results[i] = result{s, did, err} // each goroutine owns its slot
		})
	}
	wg.Wait()
	var errs []error
	for _, r := range results {
		if r.did {
			rep.Stopped = append(rep.Stopped, r.stopped)
		}
		if r.err != nil {
			errs = append(errs, r.err)
		}
	}
	if len(errs) == 0 {
		errs = append(errs, e.checkNoNewcomers(ctx, snap))
	}
	return rep, errors.Join(errs...)
}

// stopOne stops c if it runs; did reports whether it had to.
func (e *Engine) stopOne(ctx context.Context, c ContainerState, timeout time.Duration) (StoppedContainer, bool, error) {
	cur, err := e.inspect(ctx, c.ID)
	if err != nil {
		return StoppedContainer{}, false, &ContainerError{Op: "stop", ID: c.ID, Name: c.Name, Err: err}
	}
	if !cur.Running && !cur.Restarting {
		return StoppedContainer{}, false, nil
	}
	secs := stopSeconds(timeout)
	wait := engineDefaultStop
	switch {
	case secs != nil:
		wait = *secs
	case cur.stopTimeout != nil:
		wait = *cur.stopTimeout
	}
	out := StoppedContainer{ID: c.ID, Name: c.Name, Service: c.Service, WaitSeconds: wait}
	// The HTTP request must outlive the engine's SIGTERM → SIGKILL wait.
	sctx, cancel := context.WithTimeout(ctx, time.Duration(wait)*time.Second+stopHTTPMargin)
	t0 := time.Now()
	stopErr := e.cli.ContainerStop(sctx, c.ID, container.StopOptions{Timeout: secs})
	cancel()
	out.TookMs = time.Since(t0).Milliseconds()

	cur, err = e.confirmStopped(ctx, c.ID)
	if errors.Is(err, ErrStillRunning) {
		// Last resort before giving up: SIGKILL, then look again.
		if kerr := e.cli.ContainerKill(ctx, c.ID, "KILL"); kerr == nil {
			out.Killed = true
		}
		cur, err = e.confirmStopped(ctx, c.ID)
	}
	switch {
	case errors.Is(err, ErrContainerGone) && c.AutoRemove:
		return out, true, nil // removed by the engine once stopped
	case err != nil:
		return out, true, &ContainerError{Op: "stop", ID: c.ID, Name: c.Name, State: cur.describe(),
			Err: errors.Join(err, e.wrap(stopErr))}
	}
	out.ExitCode = cur.ExitCode
	out.Killed = out.Killed || cur.ExitCode == 137
	return out, true, nil
}

// confirmStopped polls until the container neither runs nor restarts.
func (e *Engine) confirmStopped(ctx context.Context, id string) (Container, error) {
	deadline := time.Now().Add(e.confirm)
	for {
		cur, err := e.inspect(ctx, id)
		if err != nil {
			return cur, err
		}
		if !cur.Running && !cur.Restarting {
			return cur, nil
		}
		if time.Now().After(deadline) {
			return cur, ErrStillRunning
		}
		if err := Sleep(ctx, e.poll); err != nil {
			return cur, err
		}
	}
}

// checkNoNewcomers fails when a running container of the project is not in
// the snapshot (created or recreated meanwhile): its data would not be quiet.
func (e *Engine) checkNoNewcomers(ctx context.Context, snap Snapshot) error {
	cs, err := e.ProjectContainers(ctx, snap.Project)
	if err != nil {
		return err
	}
	known := map[string]bool{}
	for _, c := range snap.Containers {
		known[c.ID] = true
	}
	var names []string
	for _, c := range cs {
		if (c.Running || c.Restarting) && !known[c.ID] {
			names = append(names, fmt.Sprintf("%s (%s)", c.Name, ShortID(c.ID)))
		}
	}
	if len(names) > 0 {
		return fmt.Errorf("%w: running but not in the snapshot: %s", ErrProjectChanged, strings.Join(names, ", "))
	}
	return nil
}

// stopSeconds converts a stop timeout to the API's whole seconds, rounding
// up; negative means "the container's own" (nil).
func stopSeconds(d time.Duration) *int {
	if d < 0 {
		return nil
	}
	s := int(math.Ceil(d.Seconds()))
	return &s
}

// StopProject snapshots and stops project in one call. restart is never nil:
// it restores the policies and starts what ran, waiting for health up to the
// engine's restart timeout. Defer it on a context that cannot be cancelled.
func (e *Engine) StopProject(ctx context.Context, project string, timeout time.Duration) (restart func(context.Context) error, rep StopReport, err error) {
	snap, err := e.Snapshot(ctx, project)
	if err != nil {
		return func(context.Context) error { return nil }, StopReport{Project: project, Stopped: []StoppedContainer{}}, err
	}
	restart = func(rctx context.Context) error { return e.Start(rctx, snap, e.restartTimeout) }
	rep, err = e.Stop(ctx, snap, timeout)
	return restart, rep, err
}

// Sleep waits d, or until ctx is done (its error).
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
