package upgrade

import (
	"context"

	"rewind/backend/compose"
	"rewind/backend/docker"
)

// ComposeCLI finds the Compose CLI: `docker compose`, else docker-compose.
func ComposeCLI(ctx context.Context) (Compose, error) {
	r, err := compose.CLI(ctx)
	if err != nil {
		return nil, err
	}
	return r, nil
}

var _ Engine = (*docker.Engine)(nil)
