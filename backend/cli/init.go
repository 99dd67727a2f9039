package cli

import (
	"context"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

	"rewind/backend/deployment"
	"rewind/backend/docker"
	"rewind/backend/restore"
	"rewind/backend/store"
)

func (e *env) initCommand() *cobra.Command {
	var o deployment.InitOptions
	c := &cobra.Command{
		Use:   "init --project DIR",
		Short: "Register a deployment (or update its settings)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := e.open(cmd.Context(), "init"); err != nil {
				return err
			}
			o.Path = e.project
			d, err := deployment.Init(cmd.Context(), e.store, e.stateDir, o)
			if err != nil {
				return err
			}
			for _, w := range d.Warnings() {
				e.warn(w)
			}
			for _, w := range restoreWarnings(d, e.stateDir) {
				e.warn(w)
			}
			return e.emit(d, func(w io.Writer) {
				fmt.Fprintf(w, "Deployment %s at %s\n", d.Name, d.Path)
				fmt.Fprintf(w, "  compose project  %s\n  data paths       %v\n  excludes         %v\n  version key      %s\n  storage          %s\n",
					d.ComposeProject, d.DataPaths, d.Excludes, d.VersionKey, d.StorageDir)
			})
		},
	}
	c.Flags().StringVar(&o.Name, "name", "", "deployment name (default: the Compose project name)")
	c.Flags().StringArrayVar(&o.DataPaths, "data", nil, "path holding the service's data, relative to the project (repeatable; default data)")
	c.Flags().StringArrayVar(&o.Excludes, "exclude", nil, "path or glob never archived, relative to the project (repeatable): '*.log' matches at the top, '**/*.log' at any depth")
	c.Flags().StringVar(&o.StorageDir, "storage", "", "directory for the archives (default <state>/backups/<name>)")
	c.Flags().StringVar(&o.VersionKey, "version-key", "", "the .env key holding the running version (default APP_VERSION)")
	return c
}

// restoreWarnings says which restore modes a mount point in the live tree
// would refuse, by the restore's own check, before a restore is needed.
func restoreWarnings(d deployment.Deployment, stateDir string) []string {
	var modes []string
	var msgs []string
	for _, m := range []restore.Mode{restore.Full, restore.App, restore.Data} {
		err := restore.MountsRefused(d, m)
		if err == nil {
			continue
		}
		if i := slices.Index(msgs, err.Error()); i >= 0 {
			modes[i] += " and " + string(m)
			continue
		}
		modes, msgs = append(modes, string(m)), append(msgs, err.Error())
	}
	out := []string{}
	for i := range msgs {
		out = append(out, fmt.Sprintf("a %s restore of this deployment would be refused as it is now: %s", modes[i], msgs[i]))
	}
	return out
}

// Status is the `status` document.
type Status struct {
	Deployment  deployment.Deployment `json:"deployment"`
	Version     string                `json:"version"`
	Docker      DockerStatus          `json:"docker"`
	Services    []docker.Container    `json:"services"`
	Backups     BackupSummary         `json:"backups"`
	LastUpgrade *store.Upgrade        `json:"lastUpgrade"` // nil before the first upgrade
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

func (e *env) statusCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Show the deployment, its version, containers and backups",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			d, err := e.deployment(ctx, "status")
			if err != nil {
				return err
			}
			s := Status{Deployment: d, Version: d.Version(), Services: []docker.Container{}}
			s.Docker, s.Services = DockerStatusOf(ctx, d.ComposeProject)
			recs, err := e.backups.List(ctx, d)
			if err != nil {
				return err
			}
			if ups, err := e.store.ListUpgrades(ctx, d.ID); err != nil {
				return err
			} else if len(ups) > 0 {
				s.LastUpgrade = &ups[0]
			}
			s.Backups.Elsewhere = map[string]int{}
			for _, r := range recs {
				if dir := filepath.Dir(r.Path); r.FileExists && dir != filepath.Clean(d.StorageDir) {
					s.Backups.Elsewhere[dir]++
				}
				s.Backups.Total++
				s.Backups.Bytes += r.Size
				switch {
				case r.Restorable():
					s.Backups.Restorable++
					if s.Backups.Last == "" {
						s.Backups.Last = r.Name
					}
				case r.Status == "failed" || r.Status == "corrupt":
					s.Backups.Failed++
				case !r.FileExists:
					s.Backups.Missing++
				}
			}
			return e.emit(s, func(w io.Writer) {
				fmt.Fprintf(w, "Deployment  %s (%s)\nVersion     %s\nStorage     %s\n", d.Name, d.Path, orDash(s.Version), d.StorageDir)
				for _, dir := range slices.Sorted(maps.Keys(s.Backups.Elsewhere)) {
					fmt.Fprintf(w, "            %d archive(s) in %s, outside the storage directory (a storage move did not finish)\n", s.Backups.Elsewhere[dir], dir)
				}
				if s.Docker.Reachable {
					fmt.Fprintf(w, "Docker      reachable, %d container(s)\n", len(s.Services))
					for _, c := range s.Services {
						fmt.Fprintf(w, "  %-20s %-10s %s\n", c.Service, c.State, c.Health)
					}
				} else {
					fmt.Fprintf(w, "Docker      unreachable: %s\n", s.Docker.Error)
				}
				fmt.Fprintf(w, "Backups     %d (%d restorable, %d failed, %d missing), %s\n", s.Backups.Total,
					s.Backups.Restorable, s.Backups.Failed, s.Backups.Missing, humanBytes(s.Backups.Bytes))
				if u := s.LastUpgrade; u != nil {
					fmt.Fprintf(w, "Last upgrade #%d %s → %s, %s, %s", u.ID, orDash(u.FromVersion), u.ToVersion, u.Status,
						u.StartedAt.Local().Format("2006-01-02 15:04:05"))
					if note := upgradeNote(*u); note != "" {
						fmt.Fprintf(w, " (%s)", note)
					}
					fmt.Fprintln(w)
				}
			})
		},
	}
}

// DockerStatusOf reports whether the engine answers and the project's containers.
func DockerStatusOf(ctx context.Context, project string) (DockerStatus, []docker.Container) {
	eng, err := docker.New(ctx)
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

// deployment opens the catalog and resolves the deployment to work on.
func (e *env) deployment(ctx context.Context, what string) (deployment.Deployment, error) {
	if err := e.open(ctx, what); err != nil {
		return deployment.Deployment{}, err
	}
	d, err := deployment.Resolve(ctx, e.store, e.project)
	if err != nil {
		return d, err
	}
	e.store.SetWhat("rewind " + what + " " + d.Name)
	return d, e.store.TouchDeployment(ctx, d.ID)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
