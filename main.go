// Rewind backs a Docker Compose deployment up before every upgrade, upgrades
// it, watches its health and rolls files, data and images back in one click.
// Started with a command it runs headless (see `rewind --help`); started
// without one it opens the desktop app.
package main

import (
	"context"
	"embed"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"

	"rewind/backend/cli"
	"rewind/backend/view"
)

//go:embed all:frontend/dist
var assets embed.FS

//go:embed build/appicon.png
var icon []byte

// goMemoryLimit is the Go heap's soft limit (GOMEMLIMIT overrides it). The
// process's budget for any backup or restore is 200 MB (docs/architecture.md, "Resources"); the
// binary's own pages and DuckDB take about 100 MB of it. Below the limit the
// collector paces itself as usual; near it, it collects sooner instead of
// letting garbage double the heap. A backup of 100,000 small files peaks at
// about 190 MB with it, 216 MB without.
const goMemoryLimit = 80 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(goMemoryLimit)
	}
	args := os.Args[1:]
	if hasCommand(args) {
		os.Exit(runCLI(args))
	}
	if err := runGUI(args); err != nil {
		fmt.Fprintln(os.Stderr, "rewind: "+view.FromError(err).Message)
		os.Exit(1)
	}
}

// cancelGrace is how long a command may take to stop after SIGINT or
// SIGTERM cancelled it. Cancellation acts at safe points; a call that cannot
// be cancelled must not keep the catalog and deployment locks forever, so
// after the grace (or at a second signal) the process exits. That is safe:
// every operation is journaled, and the next command finishes or undoes it,
// as after a crash (docs/safety.md, "Files Rewind reads and signals"). The grace leaves room for the cleanup
// that runs on a non-cancellable context (starting the containers a backup
// stopped takes a second or two each).
const cancelGrace = 10 * time.Second

// runCLI runs a command with a context that SIGINT and SIGTERM cancel.
func runCLI(args []string) int {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	var got atomic.Value // the signal that cancelled the command
	go func() {
		sig := <-sigs
		got.Store(sig)
		fmt.Fprintf(os.Stderr, "rewind: %s: cancelling\n", signalName(sig))
		cancel()
		select {
		case <-sigs:
		case <-time.After(cancelGrace):
		}
		fmt.Fprintln(os.Stderr, "rewind: cancelled: the command did not stop in time, exiting now; "+
			"the next rewind command finishes or undoes what was interrupted")
		os.Exit(signalExit(sig))
	}()
	code := cli.Run(ctx, args, os.Stdout, os.Stderr)
	if sig, ok := got.Load().(os.Signal); ok && code != cli.ExitOK {
		return signalExit(sig)
	}
	return code
}

func signalName(sig os.Signal) string {
	if sig == os.Interrupt {
		return "interrupted (SIGINT)"
	}
	return "terminated (SIGTERM)"
}

// signalExit is the shell's exit status for a process ended by sig.
func signalExit(sig os.Signal) int {
	if s, ok := sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 1
}

// hasCommand reports whether args name a CLI command (or ask for help)
// rather than only the global options of the GUI.
func hasCommand(args []string) bool {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--state" || a == "--project":
			i++ // skip the value
		case strings.HasPrefix(a, "--state=") || strings.HasPrefix(a, "--project="):
		case a == "--json" || a == "-h" || a == "--help" || !strings.HasPrefix(a, "-"):
			return true
		}
	}
	return false
}

func runGUI(args []string) error {
	fs := flag.NewFlagSet("rewind", flag.ContinueOnError)
	state := fs.String("state", "", "state directory")
	project := fs.String("project", "", "deployment directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	app, err := NewApp(*state, *project)
	if err != nil {
		return err
	}
	return wails.Run(&options.App{
		Title:            "Rewind",
		Width:            1280,
		Height:           800,
		MinWidth:         1024,
		MinHeight:        700,
		AssetServer:      &assetserver.Options{Assets: assets},
		BackgroundColour: &options.RGBA{R: 248, G: 249, B: 251, A: 1},
		OnStartup:        app.startup,
		OnBeforeClose:    app.beforeClose,
		OnShutdown:       app.shutdown,
		Bind:             []any{app},
		Linux:            &linux.Options{Icon: icon, ProgramName: "rewind"},
		ErrorFormatter: func(err error) any {
			b, _ := json.Marshal(view.FromError(err))
			return string(b)
		},
	})
}
