package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"rewind/backend/archive"
	"rewind/backend/backup"
	"rewind/backend/restore"
)

func (e *env) backupRestore() *cobra.Command {
	var mode string
	var dryRun, noStart, yes bool
	c := &cobra.Command{
		Use:   "restore ID [--mode full|app|data] [--dry-run] [--no-start] --yes",
		Short: "Restore a backup: stage it, stop the containers, swap it in, start them again",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			m, err := restore.ParseMode(mode)
			if err != nil {
				return usageError{err}
			}
			d, err := e.deployment(ctx, "backup restore")
			if err != nil {
				return err
			}
			// A backup that completed with warnings is not a clean copy: the
			// admin hears it before choosing to restore it.
			if rec, gerr := e.svc.Backup(ctx, d, id); gerr == nil && len(rec.Warnings) > 0 {
				e.warn(fmt.Sprintf("backup #%d completed with %s, its copy may not be clean:", id, warningCount(len(rec.Warnings))))
				for _, w := range rec.Warnings {
					e.warn(w)
				}
			}
			if dryRun || !yes {
				plan, err := e.svc.PlanRestore(ctx, d, id, m)
				if err != nil {
					return err
				}
				if err := e.emit(plan, func(w io.Writer) { printPlan(w, plan) }); err != nil {
					return err
				}
				if !dryRun {
					return silentFailure{usageError{fmt.Errorf("nothing was changed: add --yes to restore backup #%d (%s mode)", id, m)}}
				}
				return nil
			}
			res, err := e.svc.Restore(ctx, d, id, restore.Options{Mode: m, NoStart: noStart, Confirmed: true}, e.reporter())
			for _, w := range res.Warnings {
				e.warn(w)
			}
			if err != nil {
				return err
			}
			return e.emit(res, func(w io.Writer) {
				fmt.Fprintf(w, "Restored backup #%d (%s mode, version %s) into %s\n", id, m, orDash(res.Plan.Version), d.Path)
				if len(res.Started) > 0 {
					fmt.Fprintf(w, "  started and healthy: %s\n", strings.Join(res.Started, ", "))
				}
				if res.SafetyCopy != nil {
					fmt.Fprintf(w, "  the replaced files are kept as backup #%d (%s)\n", res.SafetyCopy.ID, res.SafetyCopy.Name)
				}
				if res.OldTree != "" {
					fmt.Fprintf(w, "  the replaced files are kept in %s\n", res.OldTree)
				}
			})
		},
	}
	c.Flags().StringVar(&mode, "mode", "full", "full (everything), app (all but the data paths) or data (only the data paths)")
	c.Flags().BoolVar(&dryRun, "dry-run", false, "only show what would change")
	c.Flags().BoolVar(&noStart, "no-start", false, "leave the containers stopped afterwards")
	c.Flags().BoolVar(&yes, "yes", false, "confirm the restore")
	return c
}

// nameList joins file names as archive.EscapeName shows them.
func nameList(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = archive.EscapeName(n)
	}
	return strings.Join(out, ", ")
}

func printPlan(w io.Writer, p restore.Plan) {
	fmt.Fprintf(w, "Restore of backup #%d (%s), %s mode, version %s\n", p.BackupID, p.BackupName, p.Mode, orDash(p.Version))
	fmt.Fprintf(w, "  entries swapped: %s\n", nameList(p.Targets))
	fmt.Fprintf(w, "  replaced %d files (%s), added %d (%s), removed %d (%s)\n",
		p.Replaced.Files, humanBytes(p.Replaced.Bytes), p.Added.Files, humanBytes(p.Added.Bytes), p.Removed.Files, humanBytes(p.Removed.Bytes))
	if p.Lost.Files > 0 {
		fmt.Fprintf(w, "  changed since the backup and discarded: %d files (%s); they are kept in a pre-restore backup\n", p.Lost.Files, humanBytes(p.Lost.Bytes))
	}
	if len(p.Mounts) > 0 {
		fmt.Fprintf(w, "  mount points left where they are: %s\n", strings.Join(p.Mounts, ", "))
	}
	if len(p.Kept) > 0 {
		fmt.Fprintf(w, "  left in place (FIFOs, sockets and devices are never archived): %s\n", nameList(p.Kept))
	}
	for _, l := range p.Separated {
		fmt.Fprintf(w, "  %s is a hard link to %s, which %s mode does not restore: it is put back as a separate copy and %s is left as it is\n",
			archive.EscapeName(l.Path), archive.EscapeName(l.Link), p.Mode, archive.EscapeName(l.Link))
	}
	if len(p.Containers) > 0 {
		fmt.Fprintf(w, "  containers stopped and started again: %s\n", strings.Join(p.Containers, ", "))
	}
	if p.DockerError != "" {
		fmt.Fprintf(w, "  Docker: %s\n", p.DockerError)
	}
}

func (e *env) backupPrune() *cobra.Command {
	var pol backup.Policy
	var dryRun, yes bool
	c := &cobra.Command{
		Use:   "prune [--keep-last N] [--keep-days D] [--dry-run] [--yes]",
		Short: "Apply retention; the newest completed pre-upgrade backup is always kept",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			d, err := e.deployment(ctx, "backup prune")
			if err != nil {
				return err
			}
			dry := dryRun || !yes
			res, err := e.svc.PruneBackups(ctx, d, pol, dry)
			if err != nil {
				return err
			}
			if err := e.emit(res, func(w io.Writer) {
				verb := "Removed"
				if dry {
					verb = "Would remove"
				}
				fmt.Fprintf(w, "%s %d backup(s), %s; keeping %d\n", verb, len(res.Removed), humanBytes(res.Bytes), len(res.Kept))
				for _, r := range res.Removed {
					fmt.Fprintf(w, "  #%d %s %s\n", r.ID, r.Type, r.Name)
				}
			}); err != nil {
				return err
			}
			if !dryRun && !yes && len(res.Removed) > 0 {
				return silentFailure{usageError{fmt.Errorf("nothing was deleted: add --yes to prune")}}
			}
			return nil
		},
	}
	c.Flags().IntVar(&pol.KeepLast, "keep-last", 0, "keep the newest N completed backups")
	c.Flags().IntVar(&pol.KeepDays, "keep-days", 0, "keep backups younger than D days")
	c.Flags().BoolVar(&dryRun, "dry-run", false, "only list what would go")
	c.Flags().BoolVar(&yes, "yes", false, "confirm the deletion")
	return c
}
