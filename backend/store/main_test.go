package store

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"rewind/backend/archive"
	"rewind/backend/deployment"
)

// Helper processes: the test binary re-executes itself with these variables
// set to play a second process (the usual Go helper-process pattern).
const (
	envHelper   = "REWIND_STORE_HELPER" // mode
	envDir      = "REWIND_STORE_DIR"
	envWhat     = "REWIND_STORE_WHAT"
	envNoCkpt   = "REWIND_STORE_NOCKPT"
	helperBlock = 10 * time.Minute
)

func TestMain(m *testing.M) {
	if mode := os.Getenv(envHelper); mode != "" {
		os.Exit(runHelper(mode, os.Getenv(envDir)))
	}
	os.Exit(m.Run())
}

// runHelper is the child's side. It reports on stdout, one line per event.
func runHelper(mode, dir string) int {
	ctx := context.Background()
	switch mode {
	case "open": // try to open; report the outcome
		s, err := Open(dir, "")
		if err != nil {
			fmt.Println("err:", err)
			return 0
		}
		fmt.Println("ok")
		if err := s.Close(); err != nil {
			fmt.Println("close:", err)
			return 1
		}
		return 0
	case "hold": // own the catalog until stdin closes
		s, err := Open(dir, "")
		if err != nil {
			fmt.Println("err:", err)
			return 1
		}
		if err := s.SetWhat(os.Getenv(envWhat)); err != nil {
			fmt.Println("err:", err)
			return 1
		}
		fmt.Println("ready", os.Getpid())
		_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
		if err := s.Close(); err != nil {
			return 1
		}
		return 0
	case "commit": // commit a completed backup, then wait to be killed
		s, err := Open(dir, "")
		if err != nil {
			fmt.Println("err:", err)
			return 1
		}
		s.noCheckpoint = os.Getenv(envNoCkpt) == "1"
		id, err := commitSample(ctx, s)
		if err != nil {
			fmt.Println("err:", err)
			return 1
		}
		fmt.Println("committed", id)
		time.Sleep(helperBlock)
		return 0
	case "rawopen": // a foreign process opening the DuckDB file directly
		c, err := duckdb.NewConnector(filepath.Join(dir, DBFileName), nil)
		if err != nil {
			fmt.Println("err:", err)
			return 1
		}
		db := sql.OpenDB(c)
		defer db.Close()
		fmt.Println("ready", os.Getpid())
		_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
		return 0
	}
	fmt.Println("unknown helper mode", mode)
	return 2
}

// sampleEntries returns n entries spread over a few directories.
func sampleEntries(n int) []archive.Entry {
	base := time.Date(2025, 3, 4, 5, 6, 7, 123456789, time.UTC)
	list := make([]archive.Entry, n)
	for i := range list {
		list[i] = archive.Entry{
			Path:   fmt.Sprintf("data/d%02d/file-%05d.json", i%40, i),
			Type:   archive.TypeFile,
			Size:   int64(1024 + i),
			Mode:   0o644,
			MTime:  base.Add(time.Duration(i) * time.Nanosecond),
			UID:    1000,
			GID:    1000,
			SHA256: fmt.Sprintf("%064x", i),
		}
	}
	return list
}

// commitSample writes a deployment, a completed backup with entries and a setting.
func commitSample(ctx context.Context, s *Store) (int64, error) {
	depID, err := s.CreateDeployment(ctx, deployment.Deployment{Name: "shop", Path: "/srv/shop"})
	if err != nil {
		return 0, err
	}
	id, err := s.InsertBackup(ctx, Backup{DeploymentID: depID, Name: "backup_manual_v1_x.tar.gz",
		Type: "manual", Version: "1", Path: "/srv/backups/backup_manual_v1_x.tar.gz"})
	if err != nil {
		return 0, err
	}
	if err := s.CompleteBackup(ctx, id, 4096, 100, strings.Repeat("ab", 32),
		[]byte(`{"formatVersion":1}`), sampleEntries(100)); err != nil {
		return 0, err
	}
	return id, s.SetConfig(ctx, "ui.language", "zh-CN")
}

// helper is a running child process.
type helper struct {
	cmd   *exec.Cmd
	stdin interface{ Close() error }
	lines chan string
}

// startHelper runs the test binary as a child in mode and waits for its first line.
func startHelper(t *testing.T, mode, dir string, env ...string) (*helper, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{envHelper + "=" + mode, envDir + "=" + dir}, env...)...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h := &helper{cmd: cmd, stdin: stdin, lines: make(chan string, 16)}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			h.lines <- sc.Text()
		}
		close(h.lines)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return h, h.line(t)
}

// line returns the child's next line; a child that says nothing is a hang.
func (h *helper) line(t *testing.T) string {
	t.Helper()
	select {
	case l, ok := <-h.lines:
		if !ok {
			t.Fatal("helper exited without output")
		}
		return l
	case <-time.After(60 * time.Second):
		t.Fatal("helper hung")
	}
	return ""
}

// stop closes the child's stdin and waits for it to exit.
func (h *helper) stop(t *testing.T) {
	t.Helper()
	_ = h.stdin.Close()
	if err := h.cmd.Wait(); err != nil {
		t.Fatalf("helper exit: %v", err)
	}
}

// kill sends SIGKILL and reaps the child.
func (h *helper) kill(t *testing.T) {
	t.Helper()
	if err := h.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = h.cmd.Wait()
}

// openMemory opens an in-memory catalog with every migration applied and
// no lock.
func openMemory() (*Store, error) {
	db, err := connect("")
	if err != nil {
		return nil, fmt.Errorf("open in-memory catalog: %w", err)
	}
	s := &Store{db: db}
	if err := s.migrate(context.Background()); err != nil {
		return nil, errors.Join(err, db.Close())
	}
	return s, nil
}

func newMemStore(t *testing.T) *Store {
	t.Helper()
	s, err := openMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func newFileStore(t *testing.T) (*Store, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, dir
}

// stores runs f against an in-memory and a file-backed catalog.
func stores(t *testing.T, f func(t *testing.T, s *Store)) {
	t.Run("memory", func(t *testing.T) { f(t, newMemStore(t)) })
	t.Run("file", func(t *testing.T) {
		s, _ := newFileStore(t)
		f(t, s)
	})
}
