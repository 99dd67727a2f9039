package archive

import (
	"os"
	"path/filepath"
	"testing"
)

// The name check probes the file system in a project's .rewind; when that is
// a symbolic link it makes nothing at the link's target.
func TestNameProbeDoesNotFollowALinkedDirectory(t *testing.T) {
	elsewhere := t.TempDir()
	meta := filepath.Join(t.TempDir(), MetaDir)
	if err := os.Symlink(elsewhere, meta); err != nil {
		t.Fatal(err)
	}
	// Watch the target while the probe runs: it removes what it makes.
	seen := make(chan string, 1)
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				close(seen)
				return
			default:
			}
			if ents, _ := os.ReadDir(elsewhere); len(ents) > 0 {
				seen <- ents[0].Name()
				close(seen)
				return
			}
		}
	}()
	if _, err := probeDirFolding(meta); err == nil {
		t.Error("the probe went through the link")
	}
	close(stop)
	if name, ok := <-seen; ok {
		t.Errorf("the probe made %s at the link's target", name)
	}
}
