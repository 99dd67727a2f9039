package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `rewind init` and `rewind status` say what the backups capture: a bind mount in the project
// is captured, a named volume is not, and the JSON says the same.
func TestStatusShowsCoverage(t *testing.T) {
	bin := binary(t, "")
	state, proj := t.TempDir(), project(t)
	compose := "services:\n  web:\n    image: rewind-svc:${APP_VERSION}\n    network_mode: none\n" +
		"    volumes:\n      - ./data:/data\n      - db:/var/lib/db\n      - /var/run/docker.sock:/var/run/docker.sock\nvolumes:\n  db: {}\n"
	if err := os.WriteFile(filepath.Join(proj, "docker-compose.yml"), []byte(compose), 0o644); err != nil {
		t.Fatal(err)
	}
	in := okBin(t, bin, state, "init", "--project", proj)
	if !strings.Contains(in.stdout, "Coverage    3 location(s), 1 holding state NOT captured") {
		t.Errorf("init output lacks the coverage:\n%s", in.stdout)
	}

	// With --json the output is the deployment; what is not captured is warned.
	in = okBin(t, bin, state, "--json", "init", "--project", proj)
	if want := "web: volume shop_db → /var/lib/db is not in the backups: named volumes are not captured yet"; !strings.Contains(in.stderr, want) {
		t.Errorf("init --json stderr %q: missing %q", in.stderr, want)
	}

	st := decode[map[string]any](t, okBin(t, bin, state, "--json", "--project", proj, "status").stdout)
	cov, _ := st["coverage"].(map[string]any)
	locs, _ := cov["locations"].([]any)
	if len(locs) != 3 {
		t.Fatalf("coverage %v, want three locations", st["coverage"])
	}
	byTarget := map[string]map[string]any{}
	for _, l := range locs {
		m := l.(map[string]any)
		byTarget[m["target"].(string)] = m
	}
	if l := byTarget["/var/lib/db"]; l["kind"] != "volume" || l["source"] != "shop_db" || l["captured"] != false || l["state"] != true ||
		!strings.Contains(l["reason"].(string), "not captured") {
		t.Errorf("named volume %v, want volume shop_db, state, not captured, with the reason", l)
	}
	if l := byTarget["/data"]; l["kind"] != "tree" || l["captured"] != true || l["source"] != filepath.Join(proj, "data") {
		t.Errorf("data bind %v, want a captured tree bind", l)
	}
	if l := byTarget["/var/run/docker.sock"]; l["kind"] != "plumbing" || l["state"] != false {
		t.Errorf("docker socket %v, want plumbing, not state", l)
	}

	human := okBin(t, bin, state, "--project", proj, "status").stdout
	for _, want := range []string{"Coverage    3 location(s), 1 holding state NOT captured",
		"volume    shop_db → /var/lib/db  NOT captured: named volumes are not captured yet"} {
		if !strings.Contains(human, want) {
			t.Errorf("status output lacks %q:\n%s", want, human)
		}
	}
}

// A compose file that cannot be read does not fail status: the coverage is
// empty and says why.
func TestStatusCoverageOfABrokenProject(t *testing.T) {
	state, proj := t.TempDir(), project(t)
	ok(t, state, "init", "--project", proj)
	if err := os.WriteFile(filepath.Join(proj, "docker-compose.yml"), []byte("services: [not, a, map\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	st := decode[map[string]any](t, ok(t, state, "--json", "--project", proj, "status").stdout)
	cov, _ := st["coverage"].(map[string]any)
	if locs, isList := cov["locations"].([]any); !isList || len(locs) != 0 || cov["problem"] == "" || cov["problem"] == nil {
		t.Errorf("coverage %v, want no locations and the problem", st["coverage"])
	}
	if human := ok(t, state, "--project", proj, "status").stdout; !strings.Contains(human, "Coverage    unknown: ") {
		t.Errorf("status output lacks the unknown coverage:\n%s", human)
	}
}
