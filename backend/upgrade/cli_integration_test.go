//go:build integration

package upgrade

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"rewind/backend/compose"
	"rewind/backend/store"
)

// deployForBinary starts a deployment of rewind-svc:version for tests that
// drive the rewind binary, and removes its containers and pins at the end.
func deployForBinary(t *testing.T, version string) (dir, project string) {
	t.Helper()
	eng := requireDocker(t)
	ctx := context.Background()
	dir = writeDeployment(t, "rewind-svc", version)
	project, err := compose.ProjectName(dir)
	if err != nil {
		t.Fatal(err)
	}
	cli, err := compose.CLI(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cli.Run(ctx, dir, project, nil, "down", "--remove-orphans")
		if e, err := connectEngine(ctx); err == nil {
			holds, _ := e.Holds(ctx, project)
			for _, h := range holds {
				e.Release(ctx, h)
				e.RemoveTag(ctx, h.Ref)
			}
			e.Close()
		}
	})
	if err := cli.Up(ctx, dir, project, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := eng.WaitHealthy(ctx, project, nil, 500*time.Millisecond, time.Minute); err != nil {
		t.Fatal(err)
	}
	return dir, project
}

// oneJSON decodes stdout, which must hold exactly one JSON document.
func oneJSON(t *testing.T, s string, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewBufferString(s))
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode %q: %v", s, err)
	}
	if dec.More() {
		t.Fatalf("stdout holds more than one JSON document: %q", s)
	}
}

// TestCommandLine drives `rewind upgrade`, `upgrade list`, `rollback` and
// `status` as an admin or a script would.
func TestCommandLine(t *testing.T) {
	t.Parallel()
	bin := crashBinary(t) // crash points stay inert without REWIND_CRASH_AT
	dir, _ := deployForBinary(t, "1")
	state := t.TempDir()
	base := []string{"--state", state, "--project", dir}
	rw := func(args ...string) binResult { return runBinary(t, bin, nil, append(base, args...)...) }
	if r := rw("init"); r.code != 0 {
		t.Fatalf("init: %s", r.stderr)
	}

	r := rw("--json", "upgrade", "--to", "2", "--health-window", "2s")
	var res Result
	oneJSON(t, r.stdout, &res)
	if r.code != 0 || res.Outcome != OutcomeSucceeded || res.Backup == nil {
		t.Fatalf("upgrade 1→2: exit %d, %+v\nstderr %s", r.code, res, r.stderr)
	}

	r = rw("rollback")
	if r.code == 0 || !strings.Contains(r.stderr, "--yes") || !strings.Contains(r.stdout, "restore backup #") {
		t.Errorf("rollback without --yes: exit %d\nstdout %s\nstderr %s; want a refusal saying what it would do", r.code, r.stdout, r.stderr)
	}
	if got := readEnvFile(t, dir); !strings.Contains(got, "APP_VERSION=2") {
		t.Fatalf("a refused rollback changed .env: %q", got)
	}

	r = rw("--json", "rollback", "--yes")
	var rb RollbackResult
	oneJSON(t, r.stdout, &rb)
	if r.code != 0 || rb.Outcome != OutcomeRolledBack || !rb.Healthy {
		t.Fatalf("rollback: exit %d, %+v\nstderr %s", r.code, rb, r.stderr)
	}

	r = rw("--json", "upgrade", "--to", "3", "--health-window", "3s")
	res = Result{}
	oneJSON(t, r.stdout, &res)
	if r.code == 0 || res.Outcome != OutcomeRolledBack || !strings.Contains(res.Message, "rolled back to 1, service healthy") {
		t.Errorf("upgrade 1→3: exit %d, outcome %q, message %q; want a non-zero exit and a healthy rollback", r.code, res.Outcome, res.Message)
	}
	if !strings.Contains(r.stderr, "rolled back to 1, service healthy") {
		t.Errorf("stderr %q: want the one-line reason", r.stderr)
	}

	r = rw("--json", "upgrade", "list")
	var ups []store.Upgrade
	oneJSON(t, r.stdout, &ups)
	if len(ups) != 2 || ups[0].Status != store.UpgradeRolledBack || ups[1].Status != store.UpgradeRolledBack ||
		ups[1].RollbackReason != "rolled back on request" {
		t.Errorf("upgrade list: %+v", ups)
	}
	r = rw("upgrade", "list")
	if r.code != 0 || !strings.Contains(r.stdout, "rolled back, service healthy") {
		t.Errorf("upgrade list (human): %s", r.stdout)
	}
	r = rw("status")
	if r.code != 0 || !strings.Contains(r.stdout, "Last upgrade #2 1 → 3, rolled_back") {
		t.Errorf("status: %s", r.stdout)
	}
	r = rw("--json", "upgrade", "--to", "no-such-version", "--health-window", "1s")
	if r.code == 0 || !strings.Contains(r.stderr, "nothing was changed") {
		t.Errorf("upgrade to a missing image: exit %d, stderr %s", r.code, r.stderr)
	}
}
