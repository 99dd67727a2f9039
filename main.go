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
	"syscall"

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
// process's budget for any backup or restore is 200 MB (PERF.md); the
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
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := cli.Run(ctx, args, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	if err := runGUI(args); err != nil {
		fmt.Fprintln(os.Stderr, "rewind: "+view.FromError(err).Message)
		os.Exit(1)
	}
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
