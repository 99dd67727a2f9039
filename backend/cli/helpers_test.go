package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"rewind/backend/proctest"
)

// project writes a small deployment: compose file, .env, app files and data.
func project(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "shop")
	files := map[string]string{
		"docker-compose.yml": "services:\n  web:\n    image: rewind-svc:${APP_VERSION}\n    network_mode: none\n",
		".env":               "# shop settings\nAPP_VERSION=1.2.3\n",
		"app/config.toml":    "port = 8080\n",
		"data/db/users.json": `[{"name":"ada"}]`,
		"data/log.txt":       "started\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "data", "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("db/users.json", filepath.Join(dir, "data", "users-link")); err != nil {
		t.Fatal(err)
	}
	return dir
}

type result struct {
	stdout, stderr string
	code           int
}

// rewind runs the CLI in process with its own state directory.
func rewind(t *testing.T, state string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), append([]string{"--state", state}, args...), &out, &errb)
	return result{out.String(), errb.String(), code}
}

// ok runs the CLI and fails the test when it does not exit 0.
func ok(t *testing.T, state string, args ...string) result {
	t.Helper()
	r := rewind(t, state, args...)
	if r.code != 0 {
		t.Fatalf("rewind %v: exit %d\nstdout: %s\nstderr: %s", args, r.code, r.stdout, r.stderr)
	}
	return r
}

func decode[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	dec := json.NewDecoder(bytes.NewBufferString(s))
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %q: %v", s, err)
	}
	if dec.More() {
		t.Fatalf("stdout holds more than one JSON document: %q", s)
	}
	return v
}

func keys(m map[string]any) []string {
	out := []string{}
	for k := range m {
		out = append(out, k)
	}
	return out
}

func fileSHA(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil))
}

// binary builds the rewind binary (with build tags) once per test run.
func binary(t *testing.T, tags string) string { return proctest.Build(t, tags) }

func TestMain(m *testing.M) { proctest.Main(m) }
