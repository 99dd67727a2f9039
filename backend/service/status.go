package service

import (
	"context"
	"errors"
	"path/filepath"
	"time"

	"rewind/backend/backup"
	"rewind/backend/coverage"
	"rewind/backend/deployment"
	"rewind/backend/docker"
	"rewind/backend/store"
	"rewind/backend/upgrade"
)

// Status is what the app's header and `rewind status` show.
type Status struct {
	// Deployment is the deployment worked on; nil when none is configured.
	Deployment *deployment.Deployment `json:"deployment"`
	Version    string                 `json:"version"`
	Docker     DockerStatus           `json:"docker"`
	Services   []docker.Container     `json:"services"`
	Backups    BackupSummary          `json:"backups"`
	// Recovery is what opening did: see Notes.
	Recovery []string `json:"recovery"`
	// LastUpgrade is the newest upgrade and its outcome, nil before the first.
	LastUpgrade *store.Upgrade `json:"lastUpgrade"`
	// Coverage is every place the services keep state and whether the
	// backups capture it; a project that cannot be read leaves it empty,
	// with the reason as its problem.
	Coverage coverage.Coverage `json:"coverage"`
}

// DockerStatus says whether the engine answered.
type DockerStatus struct {
	Reachable bool   `json:"reachable"`
	Error     string `json:"error"`
}

// BackupSummary counts a deployment's backups.
type BackupSummary struct {
	Total      int    `json:"total"`
	Restorable int    `json:"restorable"`
	Missing    int    `json:"missing"`
	Failed     int    `json:"failed"`
	Bytes      int64  `json:"bytes"`
	Last       string `json:"last"` // name of the newest completed backup
	// Elsewhere counts archives outside the storage directory, by directory
	// (a storage move that stopped part way).
	Elsewhere map[string]int `json:"elsewhere"`
}

// dockerTimeout bounds the question to Docker in Status: an engine that
// hangs must not hang the header.
const dockerTimeout = 5 * time.Second

// Status returns the deployment, its running version, Docker's reachability
// and each service's state, its backups, its newest upgrade, what the
// backups capture and what recovery did at open. With no deployment configured, Deployment is nil
// and the error is nil.
func (s *Service) Status(ctx context.Context) (Status, error) {
	st := Status{Services: []docker.Container{}, Recovery: s.Notes(), Backups: BackupSummary{Elsewhere: map[string]int{}},
		Coverage: coverage.Coverage{Locations: []coverage.Location{}}}
	d, err := s.Resolve(ctx)
	if errors.Is(err, deployment.ErrNotConfigured) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	st.Deployment, st.Version = &d, d.Version()
	st.Coverage = coverage.Of(ctx, d) // a project that cannot be read says why, never a failed status
	dctx, cancel := context.WithTimeout(ctx, dockerTimeout)
	st.Docker, st.Services = dockerStatusOf(dctx, d.ComposeProject)
	cancel()
	recs, err := s.backups.List(ctx, d)
	if err != nil {
		return st, err
	}
	st.Backups = summarize(d, recs)
	ups, err := s.store.ListUpgrades(ctx, d.ID)
	if err != nil {
		return st, err
	}
	if len(ups) > 0 {
		st.LastUpgrade = &ups[0]
	}
	return st, nil
}

// summarize counts the backups recs of d (newest first).
func summarize(d deployment.Deployment, recs []backup.Record) BackupSummary {
	sum := BackupSummary{Elsewhere: map[string]int{}}
	for _, r := range recs {
		if dir := filepath.Dir(r.Path); r.FileExists && dir != filepath.Clean(d.StorageDir) {
			sum.Elsewhere[dir]++
		}
		sum.Total++
		sum.Bytes += r.Size
		switch {
		case r.Restorable():
			sum.Restorable++
			if sum.Last == "" {
				sum.Last = r.Name
			}
		case r.Status == backup.StatusFailed || r.Status == backup.StatusCorrupt:
			sum.Failed++
		case !r.FileExists:
			sum.Missing++
		}
	}
	return sum
}

// connectDocker connects to the Docker engine named by the environment,
// with the defaults.
func connectDocker(ctx context.Context) (*docker.Engine, error) {
	return docker.Connect(ctx, docker.Options{})
}

// backupEngine is connectDocker for the backup manager and the restorer.
func backupEngine(ctx context.Context) (backup.Engine, error) {
	eng, err := connectDocker(ctx)
	if err != nil {
		return nil, err
	}
	return eng, nil
}

// upgradeEngine is connectDocker for the upgrader.
func upgradeEngine(ctx context.Context) (upgrade.Engine, error) {
	eng, err := connectDocker(ctx)
	if err != nil {
		return nil, err
	}
	return eng, nil
}

// dockerStatusOf reports whether the engine answers and the project's containers.
func dockerStatusOf(ctx context.Context, project string) (DockerStatus, []docker.Container) {
	eng, err := connectDocker(ctx)
	if err != nil {
		return DockerStatus{Error: err.Error()}, []docker.Container{}
	}
	defer eng.Close()
	cs, err := eng.ProjectContainers(ctx, project)
	if err != nil {
		return DockerStatus{Reachable: true, Error: err.Error()}, []docker.Container{}
	}
	if cs == nil {
		cs = []docker.Container{}
	}
	return DockerStatus{Reachable: true}, cs
}
