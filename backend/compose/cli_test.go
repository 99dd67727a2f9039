//go:build unix

package compose

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeCLI writes a shell script standing in for the Compose CLI: it prints
// its arguments, working directory and one variable, then exits with code.
func fakeCLI(t *testing.T, code string) *Runner {
	t.Helper()
	path := filepath.Join(t.TempDir(), "fake-compose")
	script := "#!/bin/sh\necho \"args: $*\"\necho \"pwd: $(pwd -P)\"\necho \"FOO=$FOO\" >&2\nexit " + code + "\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return &Runner{Path: path, Prefix: []string{"compose"}}
}

func TestRunnerUp(t *testing.T) {
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "compose.yaml"), "services: {}\n")

	err = fakeCLI(t, "0").Up(context.Background(), dir, "shop", []string{"FOO=bar"})
	if err != nil {
		t.Fatalf("Up with a succeeding CLI: %v", err)
	}

	err = fakeCLI(t, "3").Up(context.Background(), dir, "shop", []string{"FOO=bar"})
	var ce *CommandError
	if !errors.As(err, &ce) {
		t.Fatalf("Up error = %v, want a *CommandError", err)
	}
	for _, want := range []string{
		"args: compose -f " + filepath.Join(dir, "compose.yaml") + " -p shop up -d",
		"pwd: " + dir,
		"FOO=bar",
	} {
		if !strings.Contains(ce.Output, want) {
			t.Errorf("output %q lacks %q", ce.Output, want)
		}
	}
	if !strings.Contains(err.Error(), "exit status 3") || !strings.Contains(err.Error(), "FOO=bar") {
		t.Errorf("error %q should carry the exit status and the output", err)
	}
}

func TestRunnerNeedsComposeFile(t *testing.T) {
	err := fakeCLI(t, "0").Up(context.Background(), t.TempDir(), "shop", nil)
	if !errors.Is(err, ErrNoComposeFile) {
		t.Fatalf("Up without a compose file: %v, want ErrNoComposeFile", err)
	}
}

func TestTailBuffer(t *testing.T) {
	var b tailBuffer
	b.Write([]byte(strings.Repeat("a", outputLimit)))
	b.Write([]byte("end"))
	if got := b.String(); len(got) != outputLimit || !strings.HasSuffix(got, "end") {
		t.Fatalf("tail buffer kept %d bytes ending %q, want %d ending \"end\"", len(got), got[len(got)-5:], outputLimit)
	}
}

// A Compose command killed because the admin cancelled says so: the error
// matches context.Canceled instead of only "signal: killed".
func TestRunnerCancelledMatchesCancellation(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "compose.yaml"), "services: {}\n")
	r := fakeCLI(t, "0")
	if err := os.WriteFile(r.Path, []byte("#!/bin/sh\nexec sleep 30\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	err := r.Up(ctx, dir, "shop", nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want it to match context.Canceled", err)
	}
}
