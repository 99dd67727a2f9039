// Package docker adapts the Docker Engine API for Rewind. It finds a Compose
// project's containers by label (never by name), quiesces them (restart
// policies off, stop, confirm), brings exactly those back (policies restored,
// start, wait for health), and inspects, tags and pulls images.
//
// Quiescing is split so that callers can journal first: Snapshot records what
// runs and every restart policy, Stop changes things, Start and
// RestorePolicies undo it. A Snapshot is JSON-serialisable for the journal.
package docker

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/docker/docker/client"
)

// Defaults; see Options.
const (
	defaultSettle         = 2 * time.Second
	defaultPoll           = 250 * time.Millisecond
	defaultRestartTimeout = 2 * time.Minute
	pingTimeout           = 10 * time.Second
	// stopHTTPMargin is added to a stop timeout for the HTTP request, which
	// must outlive the engine's SIGTERM → SIGKILL wait.
	stopHTTPMargin = 30 * time.Second
	// confirmTimeout bounds how long a stop is confirmed by inspect.
	confirmTimeout = 10 * time.Second
)

// Engine talks to one Docker engine. It is safe for concurrent use.
type Engine struct {
	cli            *client.Client
	host           string
	settle         time.Duration
	poll           time.Duration
	restartTimeout time.Duration
	confirm        time.Duration // how long a stop is confirmed by inspect
}

// Options tunes the connection and the waits of an Engine. The zero value
// is the engine of the environment with the defaults.
type Options struct {
	// Host is the engine's address (e.g. "unix:///run/x.sock",
	// "tcp://127.0.0.1:2375"); "" is DOCKER_HOST and friends.
	Host string
	// Settle is how long a container without a healthcheck must stay running
	// with an unchanged restart count before Start counts it as up; zero is
	// the default 2 s, a negative value none (the first running observation
	// counts).
	Settle time.Duration
	// Poll is how often container states are polled; zero is 250 ms.
	Poll time.Duration
	// RestartTimeout is how long the restart function returned by
	// StopProject waits for health; zero is 2 min.
	RestartTimeout time.Duration
}

// Connect connects to the engine named by o.Host or by the environment
// (DOCKER_HOST and friends, client.FromEnv), negotiates the API version and
// pings it. It is the one way to reach Docker: an engine that cannot be
// reached (no client for the address, no answer) always yields an error
// matching ErrUnreachable that says what was tried.
func Connect(ctx context.Context, o Options) (*Engine, error) {
	copts := []client.Opt{client.FromEnv, client.WithAPIVersionNegotiation()}
	if o.Host != "" {
		copts = append(copts, client.WithHost(o.Host))
	}
	cli, err := client.NewClientWithOpts(copts...)
	if err != nil {
		return nil, fmt.Errorf("%w: no client for DOCKER_HOST=%q: %w", ErrUnreachable, os.Getenv("DOCKER_HOST"), err)
	}
	e := &Engine{cli: cli, host: cli.DaemonHost(), settle: o.Settle, poll: o.Poll,
		restartTimeout: o.RestartTimeout, confirm: confirmTimeout}
	switch {
	case e.settle == 0:
		e.settle = defaultSettle
	case e.settle < 0:
		e.settle = 0
	}
	if e.poll <= 0 {
		e.poll = defaultPoll
	}
	if e.restartTimeout <= 0 {
		e.restartTimeout = defaultRestartTimeout
	}
	if err := e.Ping(ctx); err != nil {
		cli.Close()
		return nil, err
	}
	return e, nil
}

// Ping checks that the engine answers and negotiates the API version.
func (e *Engine) Ping(ctx context.Context) error {
	pctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if _, err := e.cli.Ping(pctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return e.unreachable(err)
	}
	e.cli.NegotiateAPIVersion(pctx)
	return nil
}

// Host is the engine address in use, e.g. "unix:///var/run/docker.sock".
func (e *Engine) Host() string { return e.host }

// APIVersion is the negotiated Engine API version.
func (e *Engine) APIVersion() string { return e.cli.ClientVersion() }

// Close releases the client's connections.
func (e *Engine) Close() error { return e.cli.Close() }

func (e *Engine) unreachable(cause error) error {
	return fmt.Errorf("%w at %s: %w; is dockerd running and DOCKER_HOST right?", ErrUnreachable, e.host, connCause{cause, e.host})
}

// connCause shortens the client's generic "Cannot connect to the Docker
// daemon at …" (which repeats the host and drops the reason) to the reason
// where it can be found; the original stays reachable through Unwrap.
type connCause struct {
	err  error
	host string
}

func (c connCause) Error() string {
	msg := c.err.Error()
	if !strings.HasPrefix(msg, "Cannot connect to the Docker daemon") {
		return msg
	}
	if path, ok := strings.CutPrefix(c.host, "unix://"); ok {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return "no socket at " + path
		}
	}
	return "cannot connect"
}

func (c connCause) Unwrap() error { return c.err }

// wrap marks transport failures (the engine vanished mid-operation) with
// ErrUnreachable; other errors pass through unchanged.
func (e *Engine) wrap(err error) error {
	if err != nil && client.IsErrConnectionFailed(err) {
		return e.unreachable(err)
	}
	return err
}
