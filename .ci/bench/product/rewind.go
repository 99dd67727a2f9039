package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// rewindCLI drives the rewind binary headless, with --json, on one project.
type rewindCLI struct {
	bin, state, project string
	env                 []string
}

// record is the part of a backup record the bench needs.
type record struct {
	ID   int64  `json:"id"`
	Path string `json:"path"`
	Size int64  `json:"size"`
}

// restoreResult is the part of a restore result the bench needs.
type restoreResult struct {
	SafetyCopy *record          `json:"safetyCopy"`
	OldTree    string           `json:"oldTree"`
	DurationMs int64            `json:"durationMs"`
	PhasesMs   map[string]int64 `json:"phasesMs"`
}

// newRewind prepares a project in dir (a compose file and .env next to the
// corpus) and registers it in a fresh state directory. Docker is pointed at
// a socket that does not exist: restores use --no-start and only warn.
func newRewind(bin, work, project string) (*rewindCLI, error) {
	if err := makeProject(project); err != nil {
		return nil, err
	}
	r := &rewindCLI{bin: bin, state: filepath.Join(work, "state"), project: project,
		env: append(os.Environ(), "DOCKER_HOST=unix://"+filepath.Join(work, "no-docker.sock"))}
	if _, err := r.do(nil, "init", "--storage", filepath.Join(work, "backups")); err != nil {
		return nil, fmt.Errorf("rewind init: %w", err)
	}
	return r, nil
}

// cmd is one rewind invocation; the caller runs (and maybe measures) it.
func (r *rewindCLI) cmd(args ...string) *exec.Cmd {
	c := exec.Command(r.bin, append([]string{"--state", r.state, "--project", r.project, "--json"}, args...)...)
	c.Env = r.env
	return c
}

// do runs rewind untimed and decodes its JSON into v (when not nil).
func (r *rewindCLI) do(v any, args ...string) ([]byte, error) {
	c := r.cmd(args...)
	var stderr bytes.Buffer
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		return nil, fmt.Errorf("rewind %s: %w: %s", strings.Join(args, " "), err, lastLine(stderr.String()))
	}
	if v != nil {
		if err := json.Unmarshal(out, v); err != nil {
			return nil, fmt.Errorf("rewind %s: decode: %w", strings.Join(args, " "), err)
		}
	}
	return out, nil
}

// create runs a measured `backup create` and returns the sample and record.
func (r *rewindCLI) create(compression string) (sample, record, error) {
	s, out, err := run(r.cmd("backup", "create", "--compression", compression))
	if err != nil {
		return s, record{}, err
	}
	var rec record
	if err := json.Unmarshal(out, &rec); err != nil {
		return s, rec, fmt.Errorf("backup create: decode: %w", err)
	}
	s.size = rec.Size
	return s, rec, nil
}

// delete removes a backup and its file, untimed.
func (r *rewindCLI) delete(id int64) error {
	_, err := r.do(nil, "backup", "delete", fmt.Sprint(id), "--yes")
	return err
}

// restore runs a measured full restore of backup id into the live project.
// The whole process counts, safety copy included. With phasesMs in the
// result, the phases up to and including the start (what the restore takes
// before the service runs again) and the safety copy are reported beside
// it; without, phased reports false.
func (r *rewindCLI) restore(id int64) (s sample, res restoreResult, phased bool, err error) {
	s, out, err := run(r.cmd("backup", "restore", fmt.Sprint(id), "--mode", "full", "--yes", "--no-start"))
	if err != nil {
		return s, res, false, err
	}
	if err := json.Unmarshal(out, &res); err != nil {
		return s, res, false, fmt.Errorf("backup restore: decode: %w", err)
	}
	if len(res.PhasesMs) == 0 {
		return s, res, false, nil
	}
	s.phases = map[string]float64{}
	var ms int64
	for k, v := range res.PhasesMs {
		s.phases[k] = float64(v)
		if k != "safetyCopy" {
			ms += v
		}
	}
	s.staged = float64(ms) / 1e3
	s.safety = float64(res.PhasesMs["safetyCopy"]) / 1e3
	return s, res, true, nil
}

// dropSafetyCopy deletes what a restore kept of the replaced files, so the
// disk does not fill over the rounds.
func (r *rewindCLI) dropSafetyCopy(res restoreResult) error {
	if res.SafetyCopy != nil {
		if err := r.delete(res.SafetyCopy.ID); err != nil {
			return err
		}
	}
	if res.OldTree != "" {
		return removeAll(res.OldTree)
	}
	return nil
}

// makeProject turns a corpus directory into a Compose project: a compose
// file whose image tag comes from .env, and that .env.
func makeProject(dir string) error {
	compose := "services:\n  web:\n    image: \"bench:${APP_VERSION}\"\n"
	if err := os.WriteFile(filepath.Join(dir, "docker-compose.yml"), []byte(compose), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, ".env"), []byte("APP_VERSION=1.0.0\n"), 0o644)
}
