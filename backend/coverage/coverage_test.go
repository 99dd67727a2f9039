package coverage

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rewind/backend/deployment"
)

// shop writes a project whose services keep state in every kind of place.
func shop(t *testing.T) (deployment.Deployment, string) {
	t.Helper()
	for _, k := range []string{"COMPOSE_PROJECT_NAME", "COMPOSE_FILE", "COMPOSE_PROFILES"} {
		t.Setenv(k, "")
	}
	dir := filepath.Join(t.TempDir(), "shop")
	outside := t.TempDir()
	for _, p := range []string{filepath.Join(dir, "data"), filepath.Join(dir, "cache"), filepath.Join(outside, "media")} {
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{filepath.Join(dir, "app.toml"), filepath.Join(outside, "nginx.conf")} {
		if err := os.WriteFile(f, []byte("x = 1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	compose := `services:
  web:
    image: nginx
    volumes:
      - ./data:/srv/data
      - ` + outside + `/media:/srv/media
      - db:/var/lib/db
      - shared:/shared
      - named:/named
      - /anon
      - /var/run/docker.sock:/var/run/docker.sock
      - /etc/localtime:/etc/localtime:ro
      - ` + outside + `/nginx.conf:/etc/nginx/nginx.conf:ro
      - ./app.toml:/etc/app.toml:ro
      - ./cache:/cache
      - type: tmpfs
        target: /run/tmp
volumes:
  db: {}
  shared:
    external: true
  named:
    name: shop-named-data
`
	if err := os.WriteFile(filepath.Join(dir, "compose.yaml"), []byte(compose), 0o644); err != nil {
		t.Fatal(err)
	}
	return deployment.Deployment{Name: "shop", Path: dir, Excludes: []string{"cache"}, ComposeProject: "shop"}, outside
}

func TestEveryKindOfLocation(t *testing.T) {
	dep, outside := shop(t)
	c := Of(context.Background(), dep)
	if c.Problem != "" {
		t.Fatal(c.Problem)
	}
	type want struct {
		kind     Kind
		source   string
		external bool
		state    bool
		captured bool
		reason   string
	}
	wants := map[string]want{
		"/srv/data":             {Tree, filepath.Join(dep.Path, "data"), false, true, true, reasonTree},
		"/srv/media":            {Outside, filepath.Join(outside, "media"), false, true, false, reasonOutside},
		"/var/lib/db":           {Volume, "shop_db", false, true, false, reasonVolume},
		"/shared":               {Volume, "shared", true, true, false, reasonVolume},
		"/named":                {Volume, "shop-named-data", false, true, false, reasonVolume},
		"/anon":                 {Anonymous, "", false, true, false, reasonAnonymous},
		"/var/run/docker.sock":  {Plumbing, "/var/run/docker.sock", false, false, false, reasonPlumbing},
		"/etc/localtime":        {Plumbing, "/etc/localtime", false, false, false, reasonPlumbing},
		"/etc/nginx/nginx.conf": {Plumbing, filepath.Join(outside, "nginx.conf"), false, false, false, reasonConfig},
		"/etc/app.toml":         {Tree, filepath.Join(dep.Path, "app.toml"), false, true, true, reasonTree},
		"/cache":                {Tree, filepath.Join(dep.Path, "cache"), false, true, false, reasonExcluded},
		"/run/tmp":              {Tmpfs, "", false, false, false, reasonTmpfs},
	}
	if len(c.Locations) != len(wants) {
		t.Fatalf("got %d locations, want %d: %+v", len(c.Locations), len(wants), c.Locations)
	}
	for _, l := range c.Locations {
		w, ok := wants[l.Target]
		if !ok {
			t.Errorf("unexpected location %+v", l)
			continue
		}
		got := want{l.Kind, l.Source, l.External, l.State, l.Captured, l.Reason}
		if got != w {
			t.Errorf("%s: got %+v, want %+v", l.Target, got, w)
		}
		if l.Service != "web" {
			t.Errorf("%s: service %q, want web", l.Target, l.Service)
		}
	}

	// One warning per location that holds state the backups leave out.
	ws := c.Warnings()
	if len(ws) != 6 {
		t.Fatalf("warnings: got %d, want 6: %q", len(ws), ws)
	}
	for _, needle := range []string{"volume shop_db → /var/lib/db", "volume shared (external) → /shared", "shop-named-data", "anonymous volume → /anon", outside + "/media", "/cache"} {
		if !strings.Contains(strings.Join(ws, "\n"), needle) {
			t.Errorf("warnings %q name nothing like %q", ws, needle)
		}
	}
}

// A project directory named through a symbolic link still holds its binds.
func TestProjectThroughSymlink(t *testing.T) {
	dep, _ := shop(t)
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(dep.Path, link); err != nil {
		t.Fatal(err)
	}
	dep.Path = link
	c := Of(context.Background(), dep)
	if c.Problem != "" {
		t.Fatal(c.Problem)
	}
	for _, l := range c.Locations {
		if l.Target == "/srv/data" && (l.Kind != Tree || !l.Captured) {
			t.Errorf("data through a symlinked project: %+v, want a captured tree bind", l)
		}
	}
}

func TestExcludePatterns(t *testing.T) {
	for _, tc := range []struct {
		rel      string
		excludes []string
		want     bool
	}{
		{"cache", []string{"cache"}, true},
		{"cache/x", []string{"cache/"}, true},
		{"data", []string{"data/cache"}, false},
		{"logs/app", []string{"**/app"}, true},
		{"a.log", []string{"*.log"}, true},
		{"d/a.log", []string{"*.log"}, false},
		{".", []string{"cache"}, false},
	} {
		if got := excluded(tc.rel, tc.excludes); got != tc.want {
			t.Errorf("excluded(%q, %q) = %v, want %v", tc.rel, tc.excludes, got, tc.want)
		}
	}
}

func TestUnknownWarns(t *testing.T) {
	c := Unknown(os.ErrNotExist)
	if len(c.Locations) != 0 || c.Locations == nil {
		t.Errorf("locations %v, want an empty list", c.Locations)
	}
	if ws := c.Warnings(); len(ws) != 1 || !strings.Contains(ws[0], "file does not exist") {
		t.Errorf("warnings %q", ws)
	}
}
