package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"rewind/backend/store"
)

// TestBrokenCatalogIsRebuilt: a zero-byte or truncated catalog is detected
// by whatever command runs first, kept aside (never deleted), and replaced by
// a new catalog holding the deployment with all its settings and every
// backup, rebuilt from the archives.
func TestBrokenCatalogIsRebuilt(t *testing.T) {
	bin := binary(t, "")
	cases := []struct {
		name  string
		cut   func(size int64) int64
		first []string
	}{
		{"zero bytes, then status", func(int64) int64 { return 0 }, []string{"status"}},
		{"cut in half, then backup list", func(n int64) int64 { return n / 2 }, []string{"backup", "list"}},
		{"zero bytes, then catalog rebuild", func(int64) int64 { return 0 }, []string{"catalog", "rebuild"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			state, proj := t.TempDir(), project(t)
			for i := range 300 { // enough rows that half the file holds some of them
				os.WriteFile(filepath.Join(proj, "data", fmt.Sprintf("f%03d.txt", i)), []byte(strings.Repeat("x", i)), 0o644)
			}
			storage := filepath.Join(t.TempDir(), "archives")
			ok(t, state, "init", "--project", proj, "--name", "shop", "--storage", storage,
				"--data", "data", "--data", "app", "--exclude", "data/empty", "--version-key", "APP_VERSION")
			var recs []map[string]any
			for range 2 {
				recs = append(recs, decode[map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "create").stdout))
			}
			before := decode[map[string]any](t, ok(t, state, "--json", "--project", proj, "status").stdout)["deployment"].(map[string]any)

			db := filepath.Join(state, store.DBFileName)
			fi, err := os.Stat(db)
			if err != nil {
				t.Fatal(err)
			}
			cut := c.cut(fi.Size())
			if err := os.Truncate(db, cut); err != nil {
				t.Fatal(err)
			}

			r := runBin(t, bin, nil, append([]string{"--state", state, "--project", proj}, c.first...)...)
			if r.code != 0 {
				t.Fatalf("%v on a broken catalog: exit %d\nstdout %s\nstderr %s", c.first, r.code, r.stdout, r.stderr)
			}
			for _, want := range []string{"could not be read", store.DBFileName + ".broken-", "rebuilt"} {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr does not say %q:\n%s", want, r.stderr)
				}
			}
			aside, _ := filepath.Glob(db + ".broken-*")
			if len(aside) != 1 {
				t.Fatalf("broken catalog kept as %v, want one file", aside)
			}
			if fi, err := os.Stat(aside[0]); err != nil || fi.Size() != cut {
				t.Errorf("the broken catalog was not kept as it was: %v %v", fi, err)
			}

			list := decode[[]map[string]any](t, ok(t, state, "--json", "--project", proj, "backup", "list").stdout)
			if len(list) != len(recs) {
				t.Fatalf("backup list after the rebuild: %d backups, want %d: %v", len(list), len(recs), list)
			}
			byName := map[string]map[string]any{}
			for _, rec := range list {
				byName[rec["name"].(string)] = rec
			}
			for _, want := range recs {
				got := byName[want["name"].(string)]
				if got == nil || got["sha256"] != want["sha256"] || got["status"] != "completed" || got["fileExists"] != true {
					t.Errorf("backup %s after the rebuild: %v", want["name"], got)
				}
			}
			after := decode[map[string]any](t, ok(t, state, "--json", "--project", proj, "status").stdout)["deployment"].(map[string]any)
			for _, k := range []string{"id", "name", "path", "dataPaths", "excludes", "versionKey", "storageDir", "composeProject", "createdAt"} {
				if !reflect.DeepEqual(after[k], before[k]) {
					t.Errorf("setting %s after the rebuild: %v, want %v", k, after[k], before[k])
				}
			}
			// The rebuild happened once: the next command is quiet and a
			// rebuild by hand finds everything known.
			rb := decode[map[string]any](t, ok(t, state, "--json", "--project", proj, "catalog", "rebuild").stdout)
			if rb["known"] != float64(len(recs)) || len(rb["adopted"].([]any)) != 0 {
				t.Errorf("catalog rebuild afterwards: %v", rb)
			}
		})
	}
}
