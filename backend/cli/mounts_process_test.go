//go:build linux

package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"rewind/backend/mounts/mounttest"
)

// A data directory that is its own mount point is accepted by init with a
// warning, from the restore's own check, that a restore replacing it would
// be refused; without mounts there is no such warning.
func TestInitWarnsAboutMountedDataPath(t *testing.T) {
	bin := binary(t, "")
	state, proj := t.TempDir(), project(t)
	r := okBin(t, bin, state, "init", "--project", proj)
	if strings.Contains(r.stderr, "would be refused") {
		t.Errorf("init without mounts warns: %q", r.stderr)
	}
	data := filepath.Join(proj, "data")
	mounttest.Tmpfs(t, data, "1m")
	r = okBin(t, bin, state, "init", "--project", proj)
	for _, want := range []string{"full and data restore of this deployment would be refused", data + " is a mount point (tmpfs)"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("init stderr %q: missing %q", r.stderr, want)
		}
	}
}
