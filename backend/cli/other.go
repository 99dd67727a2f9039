package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// silentFailure fails the command after its JSON document was printed.
type silentFailure struct{ error }

func (s silentFailure) Unwrap() error { return s.error }

func (e *env) storageCommand() *cobra.Command {
	c := &cobra.Command{Use: "storage", Short: "Manage where archives are stored"}
	c.AddCommand(&cobra.Command{
		Use:   "move DIR",
		Short: "Move every archive to DIR and update the catalog",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			d, err := e.deployment(ctx, "storage move")
			if err != nil {
				return err
			}
			res, err := e.svc.MoveStorage(ctx, d, args[0], e.reporter())
			if err != nil {
				return err
			}
			return e.emit(res, func(w io.Writer) {
				fmt.Fprintf(w, "Moved %d archive(s), %s, from %s to %s\n", res.Moved, humanBytes(res.Bytes), res.From, res.To)
			})
		},
	})
	return c
}

func (e *env) catalogCommand() *cobra.Command {
	c := &cobra.Command{Use: "catalog", Short: "Maintain the catalog"}
	c.AddCommand(&cobra.Command{
		Use:   "rebuild",
		Short: "Rescan the storage directory and adopt archives the catalog does not know",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			d, err := e.deployment(ctx, "catalog rebuild")
			if err != nil {
				return err
			}
			res, err := e.svc.RebuildCatalog(ctx, d, e.reporter())
			if err != nil {
				return err
			}
			for _, r := range res.Rejected {
				e.warn("not adopted: " + r)
			}
			return e.emit(res, func(w io.Writer) {
				fmt.Fprintf(w, "Catalog rebuilt from %s: %d adopted, %d already known, %d rejected, %d record(s) with a missing file\n",
					d.StorageDir, len(res.Adopted), res.Known, len(res.Rejected), len(res.Missing))
			})
		},
	})
	return c
}
