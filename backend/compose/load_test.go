package compose

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"rewind/backend/durable"
)

// cleanEnv unsets the variables Compose reads, for the test's duration.
func cleanEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{"COMPOSE_PROJECT_NAME", "COMPOSE_FILE", "COMPOSE_PROFILES", "COMPOSE_PATH_SEPARATOR", "COMPOSE_DISABLE_ENV_FILE", "TAG", "DATA"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

// project writes files (relative path → content) into a new directory
// named base and loads it.
func project(t *testing.T, base string, files map[string]string) (*Project, string, error) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), base)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range files {
		writeFile(t, filepath.Join(dir, name), content)
	}
	p, err := Load(context.Background(), dir, nil)
	return p, dir, err
}

func images(p *Project) string {
	var out []string
	for _, s := range p.Services {
		out = append(out, s.Name+"="+s.Image)
	}
	return strings.Join(out, " ")
}

func TestLoadProjectName(t *testing.T) {
	const svc = "services:\n  app:\n    image: x\n"
	for _, tc := range []struct {
		name, base, compose, env, shell, want string
	}{
		{name: "base name", base: "My.App.V2", compose: svc, want: "myappv2"},
		{name: "name:", base: "dir", compose: "name: shop\n" + svc, want: "shop"},
		{name: "name: interpolated", base: "dir", compose: "name: shop-${STAGE:-dev}\n" + svc, env: "STAGE=prod\n", want: "shop-prod"},
		{name: ".env beats name:", base: "dir", compose: "name: shop\n" + svc, env: "COMPOSE_PROJECT_NAME=fromdotenv\n", want: "fromdotenv"},
		{name: "environment beats .env", base: "dir", compose: "name: shop\n" + svc, env: "COMPOSE_PROJECT_NAME=fromdotenv\n", shell: "fromshell", want: "fromshell"},
		{name: "environment alone", base: "dir", compose: svc, shell: "fromshell", want: "fromshell"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cleanEnv(t)
			if tc.shell != "" {
				t.Setenv("COMPOSE_PROJECT_NAME", tc.shell)
			}
			files := map[string]string{"compose.yaml": tc.compose}
			if tc.env != "" {
				files[".env"] = tc.env
			}
			p, _, err := project(t, tc.base, files)
			if err != nil || p.Name != tc.want {
				t.Fatalf("Load: name %v, %v; want %q", p, err, tc.want)
			}
		})
	}
	t.Run("invalid COMPOSE_PROJECT_NAME", func(t *testing.T) {
		cleanEnv(t)
		_, _, err := project(t, "dir", map[string]string{"compose.yaml": svc, ".env": "COMPOSE_PROJECT_NAME=Shop\n"})
		if !errors.Is(err, ErrInvalidProjectName) {
			t.Fatalf("Load error = %v, want %v", err, ErrInvalidProjectName)
		}
	})
}

func TestLoadFiles(t *testing.T) {
	t.Run("COMPOSE_FILE with two files", func(t *testing.T) {
		cleanEnv(t)
		p, dir, err := project(t, "dir", map[string]string{
			"base.yml":       "services:\n  web:\n    image: web:1\n  db:\n    image: db:1\n",
			"prod/over.yml":  "services:\n  web:\n    image: web:2\n",
			"compose.yaml":   "services:\n  ignored:\n    image: no\n",
			".env":           "COMPOSE_FILE=base.yml:prod/over.yml\n",
			"unrelated.yaml": "not: [compose\n",
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := images(p); got != "db=db:1 web=web:2" {
			t.Errorf("services %s, want db=db:1 web=web:2", got)
		}
		if want := []string{filepath.Join(dir, "base.yml"), filepath.Join(dir, "prod/over.yml")}; strings.Join(p.Files, ",") != strings.Join(want, ",") {
			t.Errorf("files %v, want %v", p.Files, want)
		}
	})
	t.Run("COMPOSE_PATH_SEPARATOR", func(t *testing.T) {
		cleanEnv(t)
		p, _, err := project(t, "dir", map[string]string{
			"a.yml": "services:\n  web:\n    image: web:1\n",
			"b.yml": "services:\n  web:\n    image: web:2\n",
			".env":  "COMPOSE_PATH_SEPARATOR=,\nCOMPOSE_FILE=a.yml,b.yml\n",
		})
		if err != nil || images(p) != "web=web:2" {
			t.Fatalf("Load = %v, %v; want web=web:2", p, err)
		}
	})
	t.Run("COMPOSE_FILE names a missing file", func(t *testing.T) {
		cleanEnv(t)
		_, _, err := project(t, "dir", map[string]string{"compose.yaml": "services: {}\n", ".env": "COMPOSE_FILE=gone.yml\n"})
		if !errors.Is(err, ErrNoComposeFile) || !strings.Contains(err.Error(), "gone.yml") {
			t.Fatalf("Load error = %v, want %v naming gone.yml", err, ErrNoComposeFile)
		}
	})
	t.Run("override file", func(t *testing.T) {
		cleanEnv(t)
		p, _, err := project(t, "dir", map[string]string{
			"docker-compose.yml":          "services:\n  web:\n    image: web:1\n",
			"docker-compose.override.yml": "services:\n  web:\n    image: web:dev\n",
		})
		if err != nil || images(p) != "web=web:dev" || len(p.Files) != 2 {
			t.Fatalf("Load = %+v, %v; want web=web:dev from two files", p, err)
		}
	})
}

func TestLoadProfiles(t *testing.T) {
	const compose = "services:\n  web:\n    image: web\n  debug:\n    image: dbg\n    profiles: [debug]\n"
	cleanEnv(t)
	p, _, err := project(t, "dir", map[string]string{"compose.yaml": compose})
	if err != nil || images(p) != "web=web" {
		t.Fatalf("no profile: %v, %v; want web=web", p, err)
	}
	p, _, err = project(t, "dir", map[string]string{"compose.yaml": compose, ".env": "COMPOSE_PROFILES=debug\n"})
	if err != nil || images(p) != "debug=dbg web=web" {
		t.Fatalf("COMPOSE_PROFILES in .env: %v, %v; want debug=dbg web=web", p, err)
	}
	t.Setenv("COMPOSE_PROFILES", "other,debug")
	p, _, err = project(t, "dir", map[string]string{"compose.yaml": compose})
	if err != nil || images(p) != "debug=dbg web=web" {
		t.Fatalf("COMPOSE_PROFILES in the environment: %v, %v; want debug=dbg web=web", p, err)
	}
}

func TestLoadIncludeExtends(t *testing.T) {
	cleanEnv(t)
	p, _, err := project(t, "dir", map[string]string{
		"compose.yaml": `include:
  - db/compose.yaml
services:
  web:
    extends:
      file: common.yml
      service: base
    image: web:${TAG:-1}
  worker:
    extends: web
    command: work
`,
		"common.yml":      "services:\n  base:\n    image: base\n    healthcheck:\n      test: [CMD, ok]\n",
		"db/compose.yaml": "services:\n  db:\n    image: postgres:16\n    volumes: [./data:/var/lib/postgresql/data]\n",
		".env":            "TAG=3\n",
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := images(p); got != "db=postgres:16 web=web:3 worker=web:3" {
		t.Errorf("services %s, want db=postgres:16 web=web:3 worker=web:3", got)
	}
	if !p.Services[1].HasHealthcheck {
		t.Error("web: the healthcheck of the extended service is lost")
	}
	// An included file's relative paths are relative to its own directory.
	if m := p.Services[0].Mounts; len(m) != 1 || m[0].Source != filepath.Join(p.Dir, "db", "data") {
		t.Errorf("db mounts %+v, want the bind source %s", m, filepath.Join(p.Dir, "db", "data"))
	}
}

func TestLoadMounts(t *testing.T) {
	cleanEnv(t)
	p, dir, err := project(t, "dir", map[string]string{
		"compose.yaml": `services:
  app:
    image: app:${TAG:-latest}
    volumes:
      - ${DATA:-./data}:/data
      - appdata:/var/lib/app
      - /etc/localtime:/etc/localtime:ro
      - /cache
      - type: bind
        source: ${CONF:-./conf}
        target: /conf
        read_only: true
volumes:
  appdata:
`,
		".env": "CONF=./settings\n",
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := images(p); got != "app=app:latest" {
		t.Errorf("services %s, want app=app:latest", got)
	}
	want := []Mount{
		{Type: "bind", Source: filepath.Join(dir, "data"), Target: "/data"},
		{Type: "volume", Source: "appdata", Target: "/var/lib/app"},
		{Type: "bind", Source: "/etc/localtime", Target: "/etc/localtime", ReadOnly: true},
		{Type: "volume", Target: "/cache"},
		{Type: "bind", Source: filepath.Join(dir, "settings"), Target: "/conf", ReadOnly: true},
	}
	got := p.Services[0].Mounts
	if len(got) != len(want) {
		t.Fatalf("mounts %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("mount %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if v, ok := p.Model.Volumes["appdata"]; !ok || v.Name != "dir_appdata" {
		t.Errorf("top-level volume appdata = %+v, %v; want the project-scoped name dir_appdata", v, ok)
	}

	// The environment wins over .env; the env given to Load wins over both.
	t.Setenv("DATA", "/srv/app")
	t.Setenv("TAG", "2")
	p, err = Load(context.Background(), dir, map[string]string{"TAG": "3"})
	if err != nil {
		t.Fatal(err)
	}
	if p.Services[0].Image != "app:3" || p.Services[0].Mounts[0].Source != "/srv/app" {
		t.Errorf("image %s, data %s; want app:3 and /srv/app", p.Services[0].Image, p.Services[0].Mounts[0].Source)
	}
}

func TestLoadInvalid(t *testing.T) {
	for _, tc := range []struct{ name, compose string }{
		{"yaml", "services: [\n"},
		{"schema", "services:\n  app:\n    image: x\n    ports: {a: b}\n"},
		{"required variable", "services:\n  app:\n    image: x:${V:?set V}\n"},
		{"missing env_file", "services:\n  app:\n    image: x\n    env_file: app.env\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cleanEnv(t)
			_, _, err := project(t, "dir", map[string]string{"compose.yaml": tc.compose})
			if !errors.Is(err, ErrInvalidCompose) || !strings.Contains(err.Error(), "compose.yaml") {
				t.Fatalf("Load error = %v, want %v naming compose.yaml", err, ErrInvalidCompose)
			}
		})
	}
	t.Run("broken .env", func(t *testing.T) {
		cleanEnv(t)
		_, _, err := project(t, "dir", map[string]string{"compose.yaml": "services: {}\n", ".env": "A='open\n"})
		if !errors.Is(err, ErrEnvSyntax) {
			t.Fatalf("Load error = %v, want %v", err, ErrEnvSyntax)
		}
	})
	t.Run("named-pipe .env", func(t *testing.T) {
		cleanEnv(t)
		dir := t.TempDir()
		writeFile(t, filepath.Join(dir, "compose.yaml"), "services: {}\n")
		if err := syscall.Mkfifo(filepath.Join(dir, ".env"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(context.Background(), dir, nil); !errors.Is(err, durable.ErrNotRegular) {
			t.Fatalf("Load error = %v, want %v", err, durable.ErrNotRegular)
		}
	})
}
