package compose

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestNormalizeProjectName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"shop", "shop"},
		{"My App", "myapp"},
		{"my-app_2", "my-app_2"},
		{"My_App.v2", "my_appv2"},
		{"__x-y", "x-y"},
		{"-_-", ""},
		{".hidden", "hidden"},
		{"Ünïcode", "ncode"},
		{"123", "123"},
	} {
		if got := NormalizeProjectName(tc.in); got != tc.want {
			t.Errorf("NormalizeProjectName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestProjectName(t *testing.T) {
	const svc = "services:\n  app:\n    image: x\n"
	for _, tc := range []struct {
		name    string
		dir     string // base name of the deployment directory
		compose string // "" = no compose file
		env     string // "" = no .env
		want    string
		wantErr error
	}{
		{name: "base name normalised", dir: "My_App.v2", compose: svc, want: "my_appv2"},
		{name: "leading separators trimmed", dir: "__stack", compose: svc, want: "stack"},
		{name: "top-level name", dir: "dir", compose: "name: shop\n" + svc, want: "shop"},
		{name: "name interpolated from .env", dir: "dir", compose: "name: shop-${STAGE:-dev}\n" + svc,
			env: "STAGE=prod\n", want: "shop-prod"},
		{name: "name default when unset", dir: "dir", compose: "name: shop-${STAGE:-dev}\n" + svc, want: "shop-dev"},
		{name: ".env beats name", dir: "dir", compose: "name: shop\n" + svc,
			env: "# project\nCOMPOSE_PROJECT_NAME=fromenv\n", want: "fromenv"},
		{name: "empty .env value ignored", dir: "dir", compose: "name: shop\n" + svc,
			env: "COMPOSE_PROJECT_NAME=\n", want: "shop"},
		{name: ".env beats base name", dir: "Dir", compose: svc, env: "COMPOSE_PROJECT_NAME=abc_1\n", want: "abc_1"},
		// Compose normalises name: (it refuses only an invalid COMPOSE_PROJECT_NAME or -p).
		{name: "name: normalised", dir: "dir", compose: "name: Shop.v2\n" + svc, want: "shopv2"},
		{name: "invalid .env name", dir: "dir", compose: svc, env: "COMPOSE_PROJECT_NAME=-x\n", wantErr: ErrInvalidProjectName},
		{name: "nothing left of base name", dir: "___", compose: svc, wantErr: ErrInvalidProjectName},
		{name: "no compose file", dir: "dir", wantErr: ErrNoComposeFile},
		{name: "broken .env", dir: "dir", compose: svc, env: "A='open\n", wantErr: ErrEnvSyntax},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), tc.dir)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if tc.compose != "" {
				writeFile(t, filepath.Join(dir, "docker-compose.yml"), tc.compose)
			}
			if tc.env != "" {
				writeFile(t, filepath.Join(dir, ".env"), tc.env)
			}
			got, err := ProjectName(dir)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("ProjectName = %q, %v; want error %v", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("ProjectName = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestFindFile(t *testing.T) {
	for _, tc := range []struct {
		name    string
		files   []string
		dirs    []string
		want    string
		wantErr error
	}{
		{name: "compose.yaml first", files: []string{"docker-compose.yml", "compose.yaml", "compose.yml"}, want: "compose.yaml"},
		{name: "compose.yml before docker-compose", files: []string{"docker-compose.yaml", "compose.yml"}, want: "compose.yml"},
		{name: "docker-compose.yml before .yaml", files: []string{"docker-compose.yaml", "docker-compose.yml"}, want: "docker-compose.yml"},
		{name: "docker-compose.yaml alone", files: []string{"docker-compose.yaml"}, want: "docker-compose.yaml"},
		{name: "a directory is not a file", dirs: []string{"compose.yaml"}, files: []string{"docker-compose.yml"}, want: "docker-compose.yml"},
		{name: "none", files: []string{"Compose.yaml", "compose.json"}, wantErr: ErrNoComposeFile},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, f := range tc.files {
				writeFile(t, filepath.Join(dir, f), "services: {}\n")
			}
			for _, d := range tc.dirs {
				if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			got, err := FindFile(dir)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("FindFile = %q, %v; want error %v", got, err, tc.wantErr)
				}
				return
			}
			if err != nil || got != filepath.Join(dir, tc.want) {
				t.Fatalf("FindFile = %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestServices(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "compose.yaml"), `
x-common: &common
  restart: always
services:
  web:
    <<: *common
    image: "shop:${APP_VERSION}"
    healthcheck:
      test: ["CMD", "/svc", "health"]
  db:
    image: postgres:${PG:-16}
  worker:
    image: ${REGISTRY-registry.local}/worker:$APP_VERSION
    healthcheck:
      disable: true
  off:
    image: busybox
    healthcheck:
      test: ["NONE"]
  builder:
    build: .
  shell-check:
    image: $$literal
    healthcheck:
      test: /svc health
`)
	writeFile(t, filepath.Join(dir, ".env"), "APP_VERSION=1.4\n")

	got, err := Services(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []Service{
		{Name: "builder"},
		{Name: "db", Image: "postgres:16"},
		{Name: "off", Image: "busybox"},
		{Name: "shell-check", Image: "$literal", HasHealthcheck: true},
		{Name: "web", Image: "shop:1.4", HasHealthcheck: true},
		{Name: "worker", Image: "registry.local/worker:1.4"},
	}
	if len(got) != len(want) {
		t.Fatalf("Services = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i].Name != want[i].Name || got[i].Image != want[i].Image || got[i].HasHealthcheck != want[i].HasHealthcheck {
			t.Errorf("service %d = %+v, want %+v", i, got[i], want[i])
		}
	}

	// An explicit env wins over .env (and the shell): the upgrade asks what V would run.
	got, err = Services(dir, map[string]string{"APP_VERSION": "2.0", "REGISTRY": ""})
	if err != nil {
		t.Fatal(err)
	}
	if got[4].Image != "shop:2.0" || got[5].Image != "/worker:2.0" {
		t.Errorf("with explicit env: web %q, worker %q; want shop:2.0, /worker:2.0", got[4].Image, got[5].Image)
	}
}

func TestServicesErrors(t *testing.T) {
	for _, tc := range []struct {
		name, compose string
		wantErr       error
	}{
		{"required variable", "services:\n  a:\n    image: x:${V:?set V}\n", ErrInvalidCompose},
		{"no file", "", ErrNoComposeFile},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if tc.compose != "" {
				writeFile(t, filepath.Join(dir, "compose.yaml"), tc.compose)
			}
			if _, err := Services(dir, map[string]string{}); !errors.Is(err, tc.wantErr) {
				t.Fatalf("Services error = %v, want %v", err, tc.wantErr)
			}
		})
	}
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "compose.yaml"), "services: [\n")
	if _, err := Services(dir, map[string]string{}); err == nil {
		t.Fatal("Services on broken YAML: no error")
	}
}
