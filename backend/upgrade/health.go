package upgrade

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"rewind/backend/docker"
	"rewind/backend/progress"
)

// watch is the health window: within window every service's container
// must come up (running, healthy where a healthcheck exists, not
// restarting), and from then until the window ends, and for at least
// Settle, it must stay so: the same container, not restarted, not
// unhealthy. The first change fails the window at once.
func (r *run) watch(ctx context.Context, services []string, window time.Duration) ([]docker.HealthReport, error) {
	u, eng, project, report := r.u, r.eng, r.dep.ComposeProject, r.report
	start := time.Now()
	report.Phase(progress.Health, fmt.Sprintf("waiting up to %s for %s to be healthy", window, strings.Join(services, ", ")))
	reports, err := eng.WaitHealthy(ctx, project, services, 0, window)
	if err != nil {
		return nonNil(reports), err
	}
	deadline := start.Add(window)
	if settled := time.Now().Add(u.Settle); settled.After(deadline) {
		deadline = settled
	}
	base, err := eng.ProjectContainers(ctx, project)
	if err != nil {
		return nonNil(reports), err
	}
	base = watched(base, services)
	if err := r.o.Point(pointHealthHold); err != nil {
		return nonNil(reports), err
	}
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return nonNil(reports), nil
		}
		report(progress.Progress{Phase: progress.Health, Message: fmt.Sprintf("healthy; watching for %s more", left.Round(time.Second))})
		if err := docker.Sleep(ctx, min(u.Poll, left)); err != nil {
			return nonNil(reports), err
		}
		cur, err := eng.ProjectContainers(ctx, project)
		if err != nil {
			return nonNil(reports), err
		}
		if bad := changed(base, watched(cur, services)); len(bad) > 0 {
			return nonNil(reports), &docker.HealthError{Containers: bad}
		}
	}
}

// watched keeps the non-one-off containers of services.
func watched(cs []docker.Container, services []string) []docker.Container {
	out := []docker.Container{}
	for _, c := range cs {
		if !c.OneOff && (len(services) == 0 || slices.Contains(services, c.Service)) {
			out = append(out, c)
		}
	}
	return out
}

// changed lists the containers of base that are no longer up as they were:
// gone or replaced, restarted, stopped, restarting or unhealthy. A one-shot
// that had completed (exited 0) may stay exited.
func changed(base, cur []docker.Container) []docker.HealthReport {
	byID := map[string]docker.Container{}
	for _, c := range cur {
		byID[c.ID] = c
	}
	var bad []docker.HealthReport
	for _, b := range base {
		c, ok := byID[b.ID]
		r := docker.HealthReport{ID: b.ID, Name: b.Name, Service: b.Service, State: c.State, Health: c.Health,
			RestartCount: c.RestartCount, ExitCode: c.ExitCode}
		completed := !b.Running && b.State == "exited" && b.ExitCode == 0
		switch {
		case !ok:
			r.Reason = "container removed or replaced"
		case completed && c.State == "exited" && c.ExitCode == 0:
			continue
		case c.Restarting:
			r.Reason = fmt.Sprintf("restarting (restarted %d times)", c.RestartCount)
		case !c.Running:
			r.Reason = fmt.Sprintf("%s (exit code %d)", c.State, c.ExitCode)
		case c.Health == docker.HealthUnhealthy:
			r.Reason = "unhealthy"
		case c.RestartCount != b.RestartCount || !c.StartedAt.Equal(b.StartedAt):
			r.Reason = fmt.Sprintf("restarted (restarted %d times)", c.RestartCount)
		default:
			continue
		}
		bad = append(bad, r)
	}
	return bad
}
