package cli

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/spf13/cobra"

	"rewind/backend/coverage"
	"rewind/backend/deployment"
	"rewind/backend/service"
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
			d, err := e.svc.Init(cmd.Context(), o)
			if err != nil {
				return err
			}
			for _, w := range service.SettingsWarnings(d) {
				e.warn(w)
			}
			c := coverage.Of(cmd.Context(), d)
			if e.json { // the JSON is the deployment: what is not captured goes to stderr
				for _, w := range c.Warnings() {
					e.warn(w)
				}
			}
			return e.emit(d, func(w io.Writer) {
				fmt.Fprintf(w, "Deployment %s at %s\n", d.Name, d.Path)
				fmt.Fprintf(w, "  compose project  %s\n  data paths       %v\n  excludes         %v\n  version key      %s\n  storage          %s\n",
					d.ComposeProject, d.DataPaths, d.Excludes, d.VersionKey, d.StorageDir)
				printCoverage(w, c)
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
			s, err := e.svc.Status(ctx)
			if err != nil {
				return err
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
				printCoverage(w, s.Coverage)
			})
		},
	}
}

// printCoverage prints the Coverage section: one line per place a service
// keeps files, captured or why not.
func printCoverage(w io.Writer, c coverage.Coverage) {
	if c.Problem != "" {
		fmt.Fprintf(w, "Coverage    unknown: %s\n", c.Problem)
		return
	}
	missed := 0
	for _, l := range c.Locations {
		if l.State && !l.Captured {
			missed++
		}
	}
	switch {
	case len(c.Locations) == 0:
		fmt.Fprintln(w, "Coverage    no mounts: the services keep no files outside their containers")
	case missed == 0:
		fmt.Fprintf(w, "Coverage    %d location(s), all state captured\n", len(c.Locations))
	default:
		fmt.Fprintf(w, "Coverage    %d location(s), %d holding state NOT captured\n", len(c.Locations), missed)
	}
	for _, l := range c.Locations {
		src := orDash(l.Source)
		if l.External {
			src += " (external)"
		}
		verdict := l.Reason
		switch {
		case l.Captured:
			verdict = "captured: " + l.Reason
		case l.State:
			verdict = "NOT captured: " + l.Reason
		}
		fmt.Fprintf(w, "  %-20s %-9s %s → %s  %s\n", l.Service, l.Kind, src, l.Target, verdict)
	}
}

// deployment opens the catalog and resolves the deployment to work on.
func (e *env) deployment(ctx context.Context, what string) (deployment.Deployment, error) {
	if err := e.open(ctx, what); err != nil {
		return deployment.Deployment{}, err
	}
	d, err := e.svc.Resolve(ctx)
	if err != nil {
		return d, err
	}
	return d, e.svc.Use(ctx, d, "rewind "+what)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
