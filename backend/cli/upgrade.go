package cli

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"rewind/backend/store"
	"rewind/backend/upgrade"
)

func (e *env) upgradeCommand() *cobra.Command {
	var req upgrade.Request
	c := &cobra.Command{
		Use:   "upgrade --to VERSION [--no-rollback] [--health-window 60s]",
		Short: "Upgrade the deployment: back up, set the version, compose up, watch health, roll back on failure",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if req.To == "" {
				return usageError{fmt.Errorf("%w: pass --to VERSION", upgrade.ErrNoVersion)}
			}
			ctx := cmd.Context()
			d, err := e.deployment(ctx, "upgrade")
			if err != nil {
				return err
			}
			res, err := e.svc.Upgrade(ctx, d, req, e.reporter())
			for _, w := range res.Warnings {
				e.warn(w)
			}
			if res.Upgrade.ID == 0 {
				return err // refused before anything was recorded
			}
			if perr := e.emit(res, func(w io.Writer) { printUpgrade(w, res) }); perr != nil {
				return perr
			}
			if err != nil && e.json {
				return silentFailure{err}
			}
			return err
		},
	}
	c.Flags().StringVar(&req.To, "to", "", "target version (the value for the version key in .env)")
	c.Flags().BoolVar(&req.NoRollback, "no-rollback", false, "do not roll back automatically when the upgrade fails")
	c.Flags().DurationVar(&req.HealthWindow, "health-window", upgrade.DefaultHealthWindow, "how long the new version must stay healthy")
	c.AddCommand(e.upgradeList())
	return c
}

func printUpgrade(w io.Writer, res upgrade.Result) {
	up := res.Upgrade
	if res.Outcome == upgrade.OutcomeSucceeded {
		fmt.Fprintf(w, "Upgrade #%d succeeded: %s\n", up.ID, res.Message)
	} else {
		fmt.Fprintf(w, "Upgrade #%d FAILED (%s): %s\n", up.ID, up.Status, res.Message)
	}
	if res.Backup != nil {
		fmt.Fprintf(w, "  pre-upgrade backup  #%d %s\n", res.Backup.ID, res.Backup.Name)
	}
	for _, h := range res.Health {
		fmt.Fprintf(w, "  %-20s %-10s %s\n", h.Service, h.State, orDash(h.Health))
	}
}

func (e *env) upgradeList() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the deployment's upgrades, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			d, err := e.deployment(ctx, "upgrade list")
			if err != nil {
				return err
			}
			ups, err := e.svc.ListUpgrades(ctx, d)
			if err != nil {
				return err
			}
			return e.emit(ups, func(w io.Writer) {
				if len(ups) == 0 {
					fmt.Fprintln(w, "No upgrades yet. Upgrade with `rewind upgrade --to VERSION`.")
					return
				}
				fmt.Fprintf(w, "%-5s %-10s %-10s %-16s %-20s %9s %7s  %s\n", "ID", "FROM", "TO", "STATUS", "STARTED", "DURATION", "BACKUP", "NOTE")
				for _, u := range ups {
					fmt.Fprintf(w, "%-5d %-10s %-10s %-16s %-20s %9s %7s  %s\n", u.ID, orDash(u.FromVersion), u.ToVersion, u.Status,
						u.StartedAt.Local().Format("2006-01-02 15:04:05"), duration(u.DurationMS), backupRef(u.BackupID), upgradeNote(u))
				}
			})
		},
	}
}

func duration(ms int64) string {
	if ms <= 0 {
		return "-"
	}
	return (time.Duration(ms) * time.Millisecond).Round(100 * time.Millisecond).String()
}

func backupRef(id int64) string {
	if id == 0 {
		return "-"
	}
	return fmt.Sprintf("#%d", id)
}

// upgradeNote is the one-line outcome of an upgrade for tables.
func upgradeNote(u store.Upgrade) string {
	var parts []string
	if u.RollbackReason != "" {
		parts = append(parts, "rollback reason: "+u.RollbackReason)
	}
	if u.RollbackHealthy != nil {
		if *u.RollbackHealthy {
			parts = append(parts, "rolled back, service healthy")
		} else {
			parts = append(parts, "rollback failed, needs attention")
		}
	}
	if u.Error != "" && u.RollbackReason == "" {
		parts = append(parts, u.Error)
	}
	return oneLine(strings.Join(parts, "; "))
}

func (e *env) rollbackCommand() *cobra.Command {
	var id int64
	var yes bool
	c := &cobra.Command{
		Use:   "rollback [--upgrade ID] --yes",
		Short: "Roll back the newest upgrade still in effect (or the one named) to its pre-upgrade backup and images",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			d, err := e.deployment(ctx, "rollback")
			if err != nil {
				return err
			}
			if !yes {
				plan, err := e.svc.PlanRollback(ctx, d, id)
				if err != nil {
					return err
				}
				refusal := fmt.Errorf("%w: add --yes to roll back upgrade #%d (%s → %s) to version %s from backup #%d",
					upgrade.ErrNotConfirmed, plan.UpgradeID, orDash(plan.FromVersion), plan.ToVersion, orDash(plan.FromVersion), plan.BackupID)
				if perr := e.emit(map[string]any{"plan": plan, "confirmed": false}, func(w io.Writer) { printRollbackPlan(w, plan) }); perr != nil {
					return perr
				}
				if e.json {
					return silentFailure{refusal}
				}
				return refusal
			}
			res, err := e.svc.Rollback(ctx, d, id, e.reporter())
			for _, w := range res.Warnings {
				e.warn(w)
			}
			if res.Outcome == "" {
				return err // refused before anything changed
			}
			if perr := e.emit(res, func(w io.Writer) { fmt.Fprintln(w, res.Message) }); perr != nil {
				return perr
			}
			if err != nil && e.json {
				return silentFailure{err}
			}
			return err
		},
	}
	c.Flags().Int64Var(&id, "upgrade", 0, "the upgrade to roll back (default: the newest still in effect)")
	c.Flags().BoolVar(&yes, "yes", false, "confirm the rollback")
	return c
}

func printRollbackPlan(w io.Writer, p upgrade.RollbackPlan) {
	fmt.Fprintf(w, "Rollback of upgrade #%d (%s → %s, %s); the deployment runs version %s now.\n",
		p.UpgradeID, orDash(p.FromVersion), p.ToVersion, p.Status, orDash(p.CurrentVersion))
	if p.BackupFallback {
		fmt.Fprintf(w, "The upgrade's own backup is unusable; the newest pre-upgrade backup of version %s is used.\n", orDash(p.FromVersion))
	}
	fmt.Fprintln(w, "It would:")
	for i, s := range p.Steps {
		fmt.Fprintf(w, "  %d. %s\n", i+1, s)
	}
}
