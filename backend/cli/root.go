// Package cli is Rewind's headless command line: the same operations as the
// desktop app, for automation, cron, servers without a display, and tests.
// Output is human-readable, or exactly one JSON document on stdout with
// --json; logs and warnings go to stderr.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"rewind/backend/service"
	"rewind/backend/view"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

// env is what every command shares: flags, output streams, and the opened
// service once a command asks for it.
type env struct {
	stateDir string
	project  string
	json     bool
	stdout   io.Writer
	stderr   io.Writer

	svc *service.Service
}

// Run executes the command line args (without the program name) and returns
// the process exit status.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := &env{stdout: stdout, stderr: stderr}
	root := e.rootCommand()
	root.SetArgs(args)
	root.SetOut(stderr) // help and usage are not the JSON document
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if e.svc != nil {
		e.svc.Close()
	}
	if err == nil {
		return ExitOK
	}
	var ue usageError
	code := ExitFailure
	if errors.As(err, &ue) {
		code = ExitUsage
	}
	ve := view.FromError(err)
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		ve.Message = cancelledMessage(ve.Message)
	}
	var sf silentFailure
	if e.json && !errors.As(err, &sf) { // a silentFailure already printed its document
		e.printJSON(map[string]any{"error": ve})
	}
	fmt.Fprintln(stderr, "rewind: "+oneLine(withHint(ve.Message, ve.Code)))
	return code
}

// cancelledMessage says plainly that a command stopped because it was
// cancelled (SIGINT, SIGTERM), where the error only says "context canceled".
func cancelledMessage(msg string) string {
	if strings.Contains(msg, "cancelled") {
		return msg // the operation said what its cancellation left behind
	}
	what := strings.TrimSuffix(strings.TrimSuffix(msg, "context canceled"), ": ")
	if what == "" {
		return "cancelled"
	}
	return "cancelled: " + what + " did not finish"
}

type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

// oneLine makes a message one line that is safe to print on a terminal:
// newlines become "; ", and other control characters and bytes that are not
// UTF-8 are escaped (see escape), so that a file name in a message can
// neither move the cursor nor change colours.
func oneLine(s string) string { return escape(strings.ReplaceAll(s, "\n", "; ")) }

func (e *env) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "rewind",
		Short:         "Back up, restore and upgrade a Docker Compose deployment without fear",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&e.stateDir, "state", "", "state directory (default $REWIND_STATE or $XDG_DATA_HOME/rewind)")
	root.PersistentFlags().StringVar(&e.project, "project", "", "deployment directory (default $REWIND_PROJECT or the one most recently used)")
	root.PersistentFlags().BoolVar(&e.json, "json", false, "print exactly one JSON document on stdout")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(e.initCommand(), e.statusCommand(), e.backupCommand(), e.storageCommand(),
		e.catalogCommand(), e.upgradeCommand(), e.rollbackCommand())
	return root
}

// open opens the service (taking the catalog's lock, running recovery of
// interrupted operations) and reports on stderr what opening did.
func (e *env) open(ctx context.Context, what string) error {
	svc, err := service.Open(ctx, service.Options{StateDir: e.stateDir, Project: e.project, What: "rewind " + what})
	if err != nil {
		return err
	}
	e.svc = svc
	for _, w := range svc.Warnings() {
		e.warn(w)
	}
	lines, err := svc.Recovered()
	for _, l := range lines {
		e.warn("recovered: " + l)
	}
	if err != nil {
		e.warn("recovery incomplete: " + oneLine(err.Error()))
	}
	return nil
}

func (e *env) warn(msg string) { fmt.Fprintln(e.stderr, "rewind: "+oneLine(msg)) }

// emit prints a result: v as one JSON document with --json, else the human text.
func (e *env) emit(v any, human func(w io.Writer)) error {
	if e.json {
		return e.printJSON(v)
	}
	human(escaper{e.stdout})
	return nil
}

func (e *env) printJSON(v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
