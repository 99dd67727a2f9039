package upgrade

import (
	"context"

	"rewind/backend/compose"
	"rewind/backend/docker"
)

// ConnectDocker connects to the engine named by the environment
// (DOCKER_HOST and friends): docker.Connect, as an Engine.
func ConnectDocker(ctx context.Context) (Engine, error) {
	e, err := docker.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return e, nil
}

// ComposeCLI finds the Compose CLI: `docker compose`, else docker-compose.
func ComposeCLI(ctx context.Context) (Compose, error) {
	r, err := compose.CLI(ctx)
	if err != nil {
		return nil, err
	}
	return r, nil
}

var _ Engine = (*docker.Engine)(nil)
