package docker

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors; match with errors.Is.
var (
	// ErrUnreachable: the engine does not answer (not running, wrong DOCKER_HOST, gone mid-operation).
	ErrUnreachable = errors.New("docker engine unreachable")
	// ErrContainerGone: a container recorded in a snapshot no longer exists (removed or recreated).
	ErrContainerGone = errors.New("container no longer exists")
	// ErrStillRunning: a container survived SIGKILL; nothing may touch its data.
	ErrStillRunning = errors.New("container still running after kill")
	// ErrProjectChanged: a container the snapshot does not know runs in the project.
	ErrProjectChanged = errors.New("project changed during the operation")
	// ErrNotHealthy: containers did not become healthy in time (see HealthError).
	ErrNotHealthy = errors.New("containers not healthy")
	// ErrImageNotFound: no such image in the engine.
	ErrImageNotFound = errors.New("image not found")
)

// ContainerError names the container an operation failed on.
type ContainerError struct {
	Op    string // e.g. "stop", "start", "restore restart policy of"
	ID    string
	Name  string
	State string // last known state, "" when unknown
	Err   error
}

func (e *ContainerError) Error() string {
	s := fmt.Sprintf("%s container %s (%s)", e.Op, e.Name, ShortID(e.ID))
	if e.State != "" {
		s += ", state " + e.State
	}
	return s + ": " + e.Err.Error()
}

func (e *ContainerError) Unwrap() error { return e.Err }

// ShortID is the 12-character form of a container or image ID, as the
// docker CLI shows it (without "sha256:").
func ShortID(id string) string {
	id = strings.TrimPrefix(id, "sha256:")
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
