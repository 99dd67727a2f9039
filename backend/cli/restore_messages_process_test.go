package cli

import (
	"strings"
	"syscall"
	"testing"
)

// A restore interrupted after the swap, with Docker unreachable (so no
// container was stopped), is undone at the next start; the line that says
// so must not claim that containers were started again.
func TestRecoveredRestoreSaysNoContainersStarted(t *testing.T) {
	bin := binary(t, "crashtest")
	state, proj := t.TempDir(), project(t)
	ok(t, state, "init", "--project", proj)
	ok(t, state, "--project", proj, "backup", "create")
	noDocker := "DOCKER_HOST=unix:///nonexistent/docker.sock"
	r := runBin(t, bin, []string{"REWIND_CRASH_AT=restore.swapped", noDocker},
		"--state", state, "--project", proj, "backup", "restore", "1", "--yes", "--no-start")
	if r.code != -int(syscall.SIGKILL) {
		t.Fatalf("want the restore killed after the swap, got exit %d: %s", r.code, r.stderr)
	}
	r = runBin(t, bin, []string{noDocker}, "--state", state, "--project", proj, "backup", "list")
	want := "rewind: recovered: a restore of backup #1 was interrupted: the previous files were put back; no containers had been stopped, so none were started"
	if r.code != 0 || !strings.Contains(r.stderr, want) {
		t.Errorf("exit %d, stderr:\n%s\nwant the line %q", r.code, r.stderr, want)
	}
	if strings.Contains(r.stderr, "the containers that ran were started again") {
		t.Errorf("stderr claims containers were started again; none were stopped:\n%s", r.stderr)
	}
}
