package cli

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"rewind/backend/archive"
	"rewind/backend/backup"
	"rewind/backend/diskspace"
)

func (e *env) backupCommand() *cobra.Command {
	c := &cobra.Command{Use: "backup", Short: "Create, list, inspect, verify, delete and import backups"}
	c.AddCommand(e.backupCreate(), e.backupList(), e.backupShow(), e.backupVerify(), e.backupDelete(),
		e.backupImport(), e.backupRestore(), e.backupPrune())
	return c
}

func (e *env) backupCreate() *cobra.Command {
	var req backup.CreateRequest
	c := &cobra.Command{
		Use:   "create",
		Short: "Take a backup of the deployment",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			d, err := e.deployment(ctx, "backup create")
			if err != nil {
				return err
			}
			res, err := e.svc.CreateBackup(ctx, d, req, e.reporter())
			for _, w := range res.Warnings {
				e.warn(w)
			}
			if err != nil {
				return err
			}
			// The warnings travel with the record: a backup that completed
			// with one (a file changed while it was read) is not a clean copy.
			out := struct {
				backup.Record
				Warnings []string `json:"warnings"`
			}{res.Record, res.Warnings}
			return e.emit(out, func(w io.Writer) {
				r := res.Record
				with := ""
				if n := len(res.Warnings); n > 0 {
					with = fmt.Sprintf(" with %d warning(s), see above", n)
				}
				fmt.Fprintf(w, "Backup #%d created%s: %s\n  %s, %d files, sha256 %s\n", r.ID, with, r.Path, humanBytes(r.Size), r.FileCount, r.SHA256)
			})
		},
	}
	c.Flags().StringVar(&req.Type, "type", "manual", "manual, pre-upgrade or scheduled")
	c.Flags().StringVar(&req.Version, "version", "", "version to record (default: the version key in .env)")
	c.Flags().StringVar(&req.Description, "description", "", "a note to keep with the backup")
	c.Flags().BoolVar(&req.StopServices, "stop-services", false, "stop the running containers for a consistent copy, then start them again")
	c.Flags().StringVar(&req.Compression, "compression", "gzip", "gzip or zstd")
	return c
}

func (e *env) backupList() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the deployment's backups, newest first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			d, err := e.deployment(ctx, "backup list")
			if err != nil {
				return err
			}
			recs, err := e.svc.ListBackups(ctx, d)
			if err != nil {
				return err
			}
			return e.emit(recs, func(w io.Writer) {
				if len(recs) == 0 {
					fmt.Fprintln(w, "No backups yet. Create one with `rewind backup create`.")
					return
				}
				fmt.Fprintf(w, "%-5s %-12s %-20s %-12s %10s %8s  %s\n", "ID", "TYPE", "CREATED", "VERSION", "SIZE", "FILES", "STATE")
				var total int64
				for _, r := range recs {
					total += r.Size
					fmt.Fprintf(w, "%-5d %-12s %-20s %-12s %10s %8d  %s\n", r.ID, r.Type,
						r.CreatedAt.Local().Format("2006-01-02 15:04:05"), orDash(r.Version), humanBytes(r.Size), r.FileCount, state(r))
				}
				fmt.Fprintf(w, "%d backup(s), %s (times in %s)\n", len(recs), humanBytes(total), time.Now().Format("MST -07:00"))
			})
		},
	}
}

// state is the human status of a record, with the number of warnings it
// completed with: such a backup is not a clean copy.
func state(r backup.Record) string {
	s := "completed"
	switch {
	case r.Status != backup.StatusCompleted:
		s = r.Status
	case !r.FileExists:
		s = "file missing"
	case r.VerifiedAt != nil:
		s = "verified " + r.VerifiedAt.Local().Format("2006-01-02 15:04")
	}
	if n := len(r.Warnings); n > 0 {
		return s + ", " + warningCount(n)
	}
	return s
}

// warningCount is "1 warning" or "N warnings".
func warningCount(n int) string {
	if n == 1 {
		return "1 warning"
	}
	return fmt.Sprintf("%d warnings", n)
}

func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, usageError{fmt.Errorf("invalid backup id %q: expected a number from `rewind backup list`", s)}
	}
	return id, nil
}

func (e *env) backupShow() *cobra.Command {
	return &cobra.Command{
		Use:   "show ID",
		Short: "Show a backup: manifest, images, size breakdown and contents",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			d, err := e.deployment(ctx, "backup show")
			if err != nil {
				return err
			}
			det, err := e.svc.ShowBackup(ctx, d, id, 0)
			if err != nil {
				return err
			}
			return e.emit(det, func(w io.Writer) {
				r, m := det.Backup, det.Manifest
				fmt.Fprintf(w, "Backup #%d  %s\n  type %s, status %s, version %s\n  created %s\n  %s, %d files, %s\n  sha256 %s\n",
					r.ID, r.Path, r.Type, state(r), orDash(r.Version), r.CreatedAt.Local().Format(time.RFC3339),
					humanBytes(r.Size), r.FileCount, r.Compression, r.SHA256)
				if r.Description != "" {
					fmt.Fprintf(w, "  %s\n", r.Description)
				}
				if len(r.Warnings) > 0 {
					fmt.Fprintln(w, "Completed with warnings (not a clean copy):")
					for _, s := range r.Warnings {
						fmt.Fprintf(w, "  %s\n", oneLine(s))
					}
				}
				for _, s := range m.Services {
					fmt.Fprintf(w, "  service %s: %s %s %s\n", s.Service, s.Image, s.ImageID, s.RepoDigest)
				}
				fmt.Fprintln(w, "Size by directory:")
				for _, b := range det.Breakdown {
					fmt.Fprintf(w, "  %10s %7d files  %s\n", humanBytes(b.Bytes), b.Files, b.Path)
				}
				fmt.Fprintf(w, "Contents (%d entries):\n", det.EntriesTotal)
				for _, en := range det.Entries {
					link := ""
					if en.Link != "" {
						link = " -> " + archive.EscapeName(en.Link)
					}
					fmt.Fprintf(w, "  %-8s %04o %10d  %s%s\n", en.Type, en.Mode, en.Size, archive.EscapeName(en.Path), link)
				}
			})
		},
	}
}

func (e *env) backupVerify() *cobra.Command {
	var all bool
	c := &cobra.Command{
		Use:   "verify ID | --all",
		Short: "Re-hash a backup and decode it to the end",
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if all == (len(args) == 1) || len(args) > 1 {
				return usageError{fmt.Errorf("give one backup ID or --all")}
			}
			d, err := e.deployment(ctx, "backup verify")
			if err != nil {
				return err
			}
			var ids []int64
			if all {
				recs, err := e.svc.ListBackups(ctx, d)
				if err != nil {
					return err
				}
				for _, r := range recs {
					if r.Status == backup.StatusCompleted || r.Status == backup.StatusCorrupt {
						ids = append(ids, r.ID)
					}
				}
			} else {
				id, err := parseID(args[0])
				if err != nil {
					return err
				}
				ids = []int64{id}
			}
			type result struct {
				Record backup.Record `json:"record"`
				OK     bool          `json:"ok"`
				Error  string        `json:"error"`
			}
			out := []result{}
			var failed error
			for _, id := range ids {
				r, err := e.svc.VerifyBackup(ctx, d, id, e.reporter())
				res := result{Record: r, OK: err == nil}
				if err != nil {
					res.Error = err.Error()
					if failed == nil {
						failed = err
					}
					if r.ID == 0 {
						return err
					}
				}
				out = append(out, res)
			}
			if err := e.emit(out, func(w io.Writer) {
				for _, r := range out {
					if r.OK {
						fmt.Fprintf(w, "Backup #%d verified: %s matches its checksum and index\n", r.Record.ID, r.Record.Name)
						if n := len(r.Record.Warnings); n > 0 {
							fmt.Fprintf(w, "  but it completed with %s, its copy may not be clean: see `rewind backup show %d`\n", warningCount(n), r.Record.ID)
						}
					} else {
						fmt.Fprintf(w, "Backup #%d FAILED verification: %s\n", r.Record.ID, r.Error)
					}
				}
				if len(out) == 0 {
					fmt.Fprintln(w, "No completed backups to verify.")
				}
			}); err != nil {
				return err
			}
			if failed != nil && e.json {
				return silentFailure{failed}
			}
			return failed
		},
	}
	c.Flags().BoolVar(&all, "all", false, "verify every completed backup")
	return c
}

func (e *env) backupDelete() *cobra.Command {
	var yes bool
	c := &cobra.Command{
		Use:   "delete ID --yes",
		Short: "Delete a backup's file and record",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			d, err := e.deployment(ctx, "backup delete")
			if err != nil {
				return err
			}
			if !yes {
				r, err := e.svc.Backup(ctx, d, id)
				if err != nil {
					return err
				}
				return usageError{fmt.Errorf("this would delete backup #%d (%s, %s); add --yes to delete it", r.ID, r.Name, humanBytes(r.Size))}
			}
			res, err := e.svc.DeleteBackup(ctx, d, id)
			for _, w := range res.Warnings {
				e.warn(w)
			}
			if err != nil {
				return err
			}
			return e.emit(res, func(w io.Writer) {
				fmt.Fprintf(w, "Backup #%d deleted (%s)\n", res.Record.ID, res.Record.Name)
			})
		},
	}
	c.Flags().BoolVar(&yes, "yes", false, "confirm the deletion")
	return c
}

func (e *env) backupImport() *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE",
		Short: "Adopt an archive made by Rewind elsewhere",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			d, err := e.deployment(ctx, "backup import")
			if err != nil {
				return err
			}
			r, err := e.svc.ImportBackup(ctx, d, args[0], e.reporter())
			if err != nil {
				return err
			}
			return e.emit(r, func(w io.Writer) {
				fmt.Fprintf(w, "Imported as backup #%d: %s (%s, verified)\n", r.ID, r.Path, humanBytes(r.Size))
			})
		},
	}
}

func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError{fmt.Errorf("%s expects %d argument(s), got %d; usage: rewind %s", cmd.Name(), n, len(args), cmd.Use)}
		}
		return nil
	}
}

func humanBytes(n int64) string { return diskspace.Human(n) }
