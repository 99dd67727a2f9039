package cli

import (
	"context"

	"rewind/backend/backup"
	"rewind/backend/docker"
)

// ConnectDocker connects to the Docker engine named by the environment.
func ConnectDocker(ctx context.Context) (backup.Engine, error) {
	eng, err := docker.New(ctx)
	if err != nil {
		return nil, err
	}
	return eng, nil
}
