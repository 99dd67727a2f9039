package compose

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// ErrNoCLI: neither "docker compose" nor "docker-compose" works.
var ErrNoCLI = errors.New("no compose cli found (need the docker compose plugin or docker-compose)")

// Runner runs one Compose CLI.
type Runner struct {
	Path    string   // executable
	Prefix  []string // arguments before Compose's own ("compose" for the plugin)
	Version string
}

// CommandError is a failed Compose command with its captured output.
type CommandError struct {
	Args   []string
	Output string // combined stdout and stderr, the last outputLimit bytes
	Err    error
}

const outputLimit = 8 << 10

func (e *CommandError) Error() string {
	out := strings.TrimSpace(e.Output)
	if out == "" {
		return fmt.Sprintf("%s: %v", strings.Join(e.Args, " "), e.Err)
	}
	return fmt.Sprintf("%s: %v: %s", strings.Join(e.Args, " "), e.Err, out)
}

func (e *CommandError) Unwrap() error { return e.Err }

// CLI finds the Compose CLI: the "docker compose" plugin, else docker-compose.
func CLI(ctx context.Context) (*Runner, error) {
	var tried []string
	if docker, err := exec.LookPath("docker"); err == nil {
		v, err := version(ctx, docker, "compose", "version", "--short")
		if err == nil {
			return &Runner{Path: docker, Prefix: []string{"compose"}, Version: v}, nil
		}
		tried = append(tried, "docker compose: "+err.Error())
	}
	if dc, err := exec.LookPath("docker-compose"); err == nil {
		v, err := version(ctx, dc, "version", "--short")
		if err == nil {
			return &Runner{Path: dc, Version: v}, nil
		}
		tried = append(tried, "docker-compose: "+err.Error())
	}
	if len(tried) > 0 {
		return nil, fmt.Errorf("%w (tried %s)", ErrNoCLI, strings.Join(tried, ", "))
	}
	return nil, ErrNoCLI
}

func version(ctx context.Context, path string, args ...string) (string, error) {
	// docker-compose v1 is a Python program: on a loaded host it can take
	// many seconds just to start.
	vctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	out, err := exec.CommandContext(vctx, path, args...).Output()
	if err != nil {
		if vctx.Err() != nil {
			return "", fmt.Errorf("no answer within a minute: %w", vctx.Err())
		}
		if ee, ok := err.(*exec.ExitError); ok && len(ee.Stderr) > 0 {
			return "", fmt.Errorf("%w: %s", err, strings.TrimSpace(string(ee.Stderr)))
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

// Up runs "up -d" for the deployment in dir under the given project name.
// See Run for the environment.
func (r *Runner) Up(ctx context.Context, dir, project string, env []string) error {
	return r.Run(ctx, dir, project, env, "up", "-d")
}

// Run runs a Compose command on dir's compose files (those Load reads: a
// "-f" for each) with "-p project", in dir, with this process's environment
// (DOCKER_HOST included) plus env ("KEY=value"; later entries win). Beware:
// Compose lets the environment override .env values during interpolation.
// On failure the error is a *CommandError holding the output.
func (r *Runner) Run(ctx context.Context, dir, project string, env []string, args ...string) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	extra := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		extra[k] = v
	}
	environ, err := environment(abs, extra)
	if err != nil {
		return err
	}
	files, err := composeFiles(abs, environ)
	if err != nil {
		return err
	}
	argv := append([]string{}, r.Prefix...)
	for _, f := range files {
		argv = append(argv, "-f", f)
	}
	argv = append(append(argv, "-p", project), args...)
	cmd := exec.CommandContext(ctx, r.Path, argv...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var out tailBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		if cerr := ctx.Err(); cerr != nil { // killed because the context ended
			err = fmt.Errorf("%w (%v)", cerr, err)
		}
		return &CommandError{Args: append([]string{r.Path}, argv...), Output: out.String(), Err: err}
	}
	return nil
}

// tailBuffer keeps the last outputLimit bytes written.
type tailBuffer struct{ b bytes.Buffer }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b.Write(p)
	if over := t.b.Len() - outputLimit; over > 0 {
		t.b.Next(over)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return t.b.String() }
