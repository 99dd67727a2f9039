// Command svc is a tiny service used only by Rewind's integration tests.
// It runs FROM scratch under a private Docker engine (see .ci/build-test-images).
//
// Its behaviour is chosen at link time:
//
//	-X main.version=1|2  healthy: writes its files, creates the health marker, exits 0 on SIGTERM
//	-X main.version=3    broken upgrade: damages the data dir, exits 1 after about a second
//	-X main.version=4    runs, but never becomes healthy
//	-X main.stubborn=yes ignores SIGTERM (exercises the SIGKILL path, exit 137)
//
// Subcommands: "health" exits 0 iff the health marker exists (the image's
// HEALTHCHECK); "version" prints the version. With SVC_ONESHOT=1 (or -once)
// the service writes its start files and exits 0 at once.
package main

import (
	"crypto/rand"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

var (
	version  = "1"
	stubborn = ""
)

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "health":
			if _, err := os.Stat(healthMarker()); err != nil {
				os.Exit(1)
			}
			os.Exit(0)
		case "version":
			fmt.Println(version)
			return
		case "-once", "--once":
			os.Setenv("SVC_ONESHOT", "1")
		default:
			fmt.Fprintf(os.Stderr, "svc: unknown argument %q\n", os.Args[1])
			os.Exit(2)
		}
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "svc:", err)
		os.Exit(1)
	}
}

func dataDir() string {
	if d := os.Getenv("SVC_DATA"); d != "" {
		return d
	}
	return "/data"
}

func healthMarker() string {
	if p := os.Getenv("SVC_HEALTH_FILE"); p != "" {
		return p
	}
	return "/tmp/healthy"
}

func run() error {
	// Subscribe before announcing readiness, so no SIGTERM is lost.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT)
	dir := dataDir()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := appendLog(dir, "start"); err != nil {
		return err
	}
	name := filepath.Join(dir, "version-"+version+".txt")
	if err := os.WriteFile(name, []byte(version+"\n"), 0o644); err != nil {
		return err
	}
	state := filepath.Join(dir, "state.txt")
	if _, err := os.Stat(state); os.IsNotExist(err) {
		if err := os.WriteFile(state, []byte("state written by version "+version+"\n"), 0o644); err != nil {
			return err
		}
	}
	if os.Getenv("SVC_ONESHOT") == "1" {
		return appendLog(dir, "oneshot done")
	}
	switch version {
	case "3":
		return crash(dir)
	case "4":
		// never healthy: no marker
	default:
		if err := os.MkdirAll(filepath.Dir(healthMarker()), 0o1777); err != nil {
			return err
		}
		if err := os.WriteFile(healthMarker(), nil, 0o644); err != nil {
			return err
		}
	}
	for s := range sigs {
		if stubborn == "" {
			return appendLog(dir, "stop on "+s.String())
		}
		_ = appendLog(dir, "ignoring "+s.String())
	}
	return nil
}

// crash damages the data directory the way a bad upgrade would, then fails.
func crash(dir string) error {
	junk := make([]byte, 64<<10)
	_, _ = rand.Read(junk)
	if err := os.WriteFile(filepath.Join(dir, "junk-v3.bin"), junk, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "state.txt"), []byte("overwritten by broken version 3\n"), 0o644); err != nil {
		return err
	}
	time.Sleep(time.Second)
	_ = appendLog(dir, "crash")
	return fmt.Errorf("version %s crashed on purpose", version)
}

func appendLog(dir, event string) error {
	f, err := os.OpenFile(filepath.Join(dir, "log.txt"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	line := fmt.Sprintf("%s version=%s stubborn=%v pid=%d %s\n",
		time.Now().UTC().Format(time.RFC3339Nano), version, stubborn != "", os.Getpid(), event)
	if _, err := f.WriteString(line); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
