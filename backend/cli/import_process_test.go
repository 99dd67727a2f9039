package cli

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rewind/backend/archive"
)

// rewriteManifest copies the gzip archive src to dst with its manifest
// changed by edit: every other byte of content stays, so the archive still
// decodes and matches its index.
func rewriteManifest(t *testing.T, src, dst string, edit func(m map[string]any)) {
	t.Helper()
	f, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if hdr.Name == archive.ManifestName {
			var m map[string]any
			if err := json.Unmarshal(body, &m); err != nil {
				t.Fatal(err)
			}
			edit(m)
			if body, err = json.Marshal(m); err != nil {
				t.Fatal(err)
			}
			hdr.Size = int64(len(body))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// files lists every file below root whose name contains part.
func files(t *testing.T, root, part string) []string {
	t.Helper()
	var out []string
	filepath.Walk(root, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() && strings.Contains(fi.Name(), part) {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// An archive's manifest comes from outside: a value Rewind would not write
// is refused before it becomes a file name, a record or a restore scope.
// The type used to go into the copy's name unchecked, so "x/../../../.."
// wrote the archive outside the storage directory.
func TestImportRefusesHostileManifest(t *testing.T) {
	bin := binary(t, "")
	root := t.TempDir()
	state, proj := filepath.Join(root, "a", "state"), project(t)
	ok(t, state, "init", "--project", proj)
	rec := decode[map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "create").stdout)
	good := filepath.Join(t.TempDir(), "good.tar.gz")
	rewriteManifest(t, rec["path"].(string), good, func(map[string]any) {})
	ok(t, state, "--project", proj, "backup", "delete", "1", "--yes") // the import target starts empty

	cases := []struct {
		name, field string
		value       any
		want        string
	}{
		{"type escaping the storage", "type", "x/../../../../escaped", `type "x/../../../../escaped"`},
		{"unknown type", "type", "nightly", `type "nightly" is not one of`},
		{"version longer than any", "version", strings.Repeat("1", 5000), "version is not UTF-8 text of at most 4096 bytes"},
		{"path outside the deployment", "paths", []string{"../../etc"}, `paths entry "../../etc"`},
		{"absolute data path", "dataPaths", []string{"/var/lib"}, `dataPaths entry "/var/lib"`},
		{"deployment name with a slash", "deployment", "../shop", `deployment "../shop"`},
		{"terminal escape in an image", "services", []map[string]string{{"service": "web", "image": "web\x1b[2J", "imageId": "sha256:00"}}, "services.image"},
		{"no creation time", "createdAt", "0001-01-01T00:00:00Z", "createdAt"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := filepath.Join(t.TempDir(), "incoming.tar.gz")
			rewriteManifest(t, good, src, func(m map[string]any) { m[c.field] = c.value })
			r := runBin(t, bin, nil, "--state", state, "--project", proj, "backup", "import", src)
			if r.code == 0 || !strings.Contains(r.stderr, "archive has no valid manifest") || !strings.Contains(r.stderr, c.want) {
				t.Errorf("import: exit %d, stderr %q; want a refusal naming %s", r.code, r.stderr, c.want)
			}
			if strings.ContainsRune(r.stderr, 0x1b) {
				t.Errorf("the refusal prints a raw escape: %q", r.stderr)
			}
			if got := files(t, root, "escaped"); len(got) != 0 {
				t.Errorf("files written outside the storage directory: %v", got)
			}
			if ents, _ := os.ReadDir(filepath.Join(state, "backups", "shop")); len(ents) != 0 {
				t.Errorf("storage holds %v after a refused import", ents)
			}
			if list := decode[[]map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "list").stdout); len(list) != 0 {
				t.Errorf("a refused import left records: %v", list)
			}
		})
	}
	// The unchanged copy is adopted: the refusals above are the manifest's values, not the rewrite.
	if r := runBin(t, bin, nil, "--state", state, "--project", proj, "backup", "import", good); r.code != 0 {
		t.Fatalf("import of the unchanged archive: exit %d, %s", r.code, r.stderr)
	}
}

// What the catalog holds reaches the terminal as text: a version or a
// description with an escape sequence used to be printed raw by `backup
// list` and `backup show`, so it could retitle, clear or rewrite the admin's
// terminal.
func TestListPrintsNoRawEscape(t *testing.T) {
	bin := binary(t, "")
	state, proj := t.TempDir(), project(t)
	ok(t, state, "init", "--project", proj)
	hostile := "9.9\x1b]0;owned\x07\x1b[2J\r\u202e"
	ok(t, state, "--project", proj, "backup", "create", "--version", hostile, "--description", "note "+hostile)
	for _, args := range [][]string{{"backup", "list"}, {"backup", "show", "1"}, {"backup", "verify", "1"}} {
		r := runBin(t, bin, nil, append([]string{"--state", state, "--project", proj}, args...)...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d, %s", args, r.code, r.stderr)
		}
		if strings.ContainsAny(r.stdout+r.stderr, "\x1b\x07\r\u202e") {
			t.Errorf("%v prints a raw control character: %q", args, r.stdout)
		}
		if args[1] != "verify" && !strings.Contains(r.stdout, `9.9\x1b]0;owned\a\x1b[2J\r\u202e`) {
			t.Errorf("%v: the version is not shown escaped: %q", args, r.stdout)
		}
	}
	// JSON carries the value itself, encoded.
	list := decode[[]map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "list").stdout)
	if list[0]["version"] != hostile {
		t.Errorf("json version %q, want %q", list[0]["version"], hostile)
	}
}

// Catalog rebuild takes the same manifests from outside: one with a path
// outside the deployment is reported, never adopted (a restore would have
// taken it as its scope).
func TestRebuildRejectsHostileManifest(t *testing.T) {
	state, proj := t.TempDir(), project(t)
	ok(t, state, "init", "--project", proj)
	rec := decode[map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "create").stdout)
	storage := filepath.Dir(rec["path"].(string))
	planted := filepath.Join(storage, "backup_manual_v1_2020-01-01_00-00-00.tar.gz")
	rewriteManifest(t, rec["path"].(string), planted, func(m map[string]any) { m["paths"] = []string{"../../etc"} })
	rb := decode[map[string]any](t, ok(t, state, "--json", "--project", proj, "catalog", "rebuild").stdout)
	rejected := rb["rejected"].([]any)
	if len(rb["adopted"].([]any)) != 0 || len(rejected) != 1 || !strings.Contains(rejected[0].(string), `paths entry "../../etc"`) {
		t.Errorf("rebuild: got %v, want the planted archive rejected for its path", rb)
	}
}
