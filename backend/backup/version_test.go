package backup_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"rewind/backend/backup"
	"rewind/backend/deployment"
)

// A backup whose version (from --version or from .env) or description is
// longer than an archive's manifest may carry is refused before anything is
// written: Rewind's own import and catalog rebuild would refuse the archive.
func TestCreateRefusesAVersionTheManifestCheckRefuses(t *testing.T) {
	huge := strings.Repeat("9", 5000)
	cases := []struct {
		name string
		env  string
		req  backup.CreateRequest
	}{
		{"--version", "APP_VERSION=1\n", backup.CreateRequest{Version: huge}},
		{".env", "APP_VERSION=" + huge + "\n", backup.CreateRequest{}},
		{"invalid UTF-8", "APP_VERSION=1\n", backup.CreateRequest{Version: "1\xff"}},
		{"--description", "APP_VERSION=1\n", backup.CreateRequest{Description: strings.Repeat("d", 65<<10)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			m, dep := newProject(t, map[string]string{
				"docker-compose.yml": "services:\n  web:\n    image: shop:${APP_VERSION}\n", ".env": c.env})
			_, err := m.Create(ctx, dep, c.req, nil)
			if !errors.Is(err, deployment.ErrInvalidSetting) {
				t.Fatalf("err = %v, want ErrInvalidSetting", err)
			}
			if len(err.Error()) > 300 {
				t.Errorf("error is %d bytes long: it must not echo the value", len(err.Error()))
			}
			recs, err := m.List(ctx, dep)
			if err != nil || len(recs) != 0 {
				t.Errorf("records %+v (%v), want none", recs, err)
			}
			if ents, _ := os.ReadDir(dep.StorageDir); len(ents) != 0 {
				t.Errorf("storage holds %v, want nothing written", ents)
			}
		})
	}
}
