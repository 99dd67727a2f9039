package docker

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// HealthReport is one container's readiness as last observed.
type HealthReport struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Service      string `json:"service"`
	State        string `json:"state"`
	Health       string `json:"health"` // "" without healthcheck
	RestartCount int    `json:"restartCount"`
	ExitCode     int    `json:"exitCode"`
	Ready        bool   `json:"ready"`
	// Reason says why the container is not ready ("restarting (restarted 3
	// times)", "health check starting", "exited (code 1)", "no container"),
	// or "completed" for a one-shot that exited 0 and is not restarted.
	Reason string `json:"reason"`

	final bool // cannot become ready on its own
}

// HealthError lists the containers that were not ready when waiting ended.
type HealthError struct {
	Containers []HealthReport // the ones not ready
	Timeout    time.Duration  // 0 when waiting ended early because no container could recover
}

func (e *HealthError) Error() string {
	parts := make([]string, 0, len(e.Containers))
	for _, r := range e.Containers {
		who := r.Service
		if r.Name != "" {
			who = fmt.Sprintf("%s (%s)", r.Name, r.Service)
		}
		parts = append(parts, who+": "+r.Reason)
	}
	head := ErrNotHealthy.Error()
	if e.Timeout > 0 {
		head += " after " + e.Timeout.String()
	}
	return head + ": " + strings.Join(parts, "; ")
}

func (e *HealthError) Unwrap() error { return ErrNotHealthy }

// WaitHealthy waits up to timeout until every service's containers (one-offs
// excluded; all services when services is empty) are up: running, healthy
// where a healthcheck exists, not restarting, and unchanged (same restart
// count and start time) for window. A service without a container counts as
// not up. A container that exited with code 0 and will not be restarted
// counts as completed (a one-shot). It fails early when a container has
// exited for good. The reports describe the last observation.
func (e *Engine) WaitHealthy(ctx context.Context, project string, services []string, window, timeout time.Duration) ([]HealthReport, error) {
	list := func(ctx context.Context) ([]Container, []HealthReport, error) {
		cs, err := e.ProjectContainers(ctx, project)
		if err != nil {
			return nil, nil, err
		}
		var out []Container
		seen := map[string]bool{}
		for _, c := range cs {
			if c.OneOff || len(services) > 0 && !slices.Contains(services, c.Service) {
				continue
			}
			seen[c.Service] = true
			out = append(out, c)
		}
		var missing []HealthReport
		for _, s := range services {
			if !seen[s] {
				missing = append(missing, HealthReport{Service: s, Reason: "no container"})
			}
		}
		if len(services) == 0 && len(out) == 0 {
			missing = append(missing, HealthReport{Service: "*", Reason: "no container in project " + project})
		}
		return out, missing, nil
	}
	return e.waitReady(ctx, list, window, timeout)
}

// waitStarted waits for the containers Start started.
func (e *Engine) waitStarted(ctx context.Context, started []ContainerState, window, timeout time.Duration) ([]HealthReport, error) {
	list := func(ctx context.Context) ([]Container, []HealthReport, error) {
		var out []Container
		var gone []HealthReport
		for _, s := range started {
			c, err := e.inspect(ctx, s.ID)
			if errors.Is(err, ErrContainerGone) {
				gone = append(gone, HealthReport{ID: s.ID, Name: s.Name, Service: s.Service,
					Reason: "no longer exists", final: true})
				continue
			}
			if err != nil {
				return nil, nil, fmt.Errorf("container %s: %w", s.Name, err)
			}
			out = append(out, c)
		}
		return out, gone, nil
	}
	return e.waitReady(ctx, list, window, timeout)
}

// stability remembers since when a container has looked up, unchanged.
type stability struct {
	key   string
	since time.Time
}

func (e *Engine) waitReady(ctx context.Context,
	list func(context.Context) ([]Container, []HealthReport, error),
	window, timeout time.Duration) ([]HealthReport, error) {
	seen := map[string]stability{}
	deadline := time.Now().Add(timeout)
	for {
		cs, missing, err := list(ctx)
		if err != nil {
			return nil, err
		}
		now := time.Now()
		reports := make([]HealthReport, 0, len(cs)+len(missing))
		for _, c := range cs {
			reports = append(reports, assess(c, seen, now, window))
		}
		reports = append(reports, missing...)
		var notReady []HealthReport
		final := false
		for _, r := range reports {
			if !r.Ready {
				notReady = append(notReady, r)
				final = final || r.final
			}
		}
		switch {
		case len(notReady) == 0:
			return reports, nil
		case final:
			return reports, &HealthError{Containers: notReady}
		case !now.Before(deadline):
			return reports, &HealthError{Containers: notReady, Timeout: timeout}
		}
		if err := Sleep(ctx, min(e.poll, time.Until(deadline)+time.Millisecond)); err != nil {
			return reports, err
		}
	}
}

// assess judges one observation of c; seen carries the stability windows
// across polls.
func assess(c Container, seen map[string]stability, now time.Time, window time.Duration) HealthReport {
	r := HealthReport{ID: c.ID, Name: c.Name, Service: c.Service, State: c.State, Health: c.Health,
		RestartCount: c.RestartCount, ExitCode: c.ExitCode}
	switch {
	case c.Restarting:
		r.Reason = fmt.Sprintf("restarting (restarted %d times)", c.RestartCount)
	case !c.Running && c.ExitCode == 0 && c.State == "exited" && !willRestart(c):
		r.Ready, r.Reason = true, "completed"
	case !c.Running:
		r.Reason = c.describe()
		if !willRestart(c) {
			r.Reason += " and will not be restarted"
			r.final = true
		}
	case c.State == "paused":
		r.Reason = "paused"
	case c.Health == HealthStarting:
		r.Reason = "health check starting"
	case c.Health == HealthUnhealthy:
		r.Reason = "unhealthy"
	default:
		key := fmt.Sprint(c.RestartCount, c.StartedAt.UnixNano())
		s, ok := seen[c.ID]
		if !ok || s.key != key {
			s = stability{key: key, since: now}
			seen[c.ID] = s
		}
		if up := now.Sub(s.since); up < window {
			r.Reason = fmt.Sprintf("settling (up %s of %s)", up.Round(100*time.Millisecond), window)
			return r
		}
		r.Ready = true
		return r
	}
	delete(seen, c.ID) // not up: the window starts again
	return r
}

// willRestart reports whether the engine will restart the exited container c
// by itself under its restart policy.
func willRestart(c Container) bool {
	switch c.RestartPolicy.Name {
	case "always", "unless-stopped":
		return true
	case "on-failure":
		max := c.RestartPolicy.MaximumRetryCount
		return c.ExitCode != 0 && (max == 0 || c.RestartCount < max)
	}
	return false
}
