package backup_test

import (
	"context"
	"strings"
	"testing"

	"rewind/backend/backup"
)

// State a service keeps where the backup does not look (a named volume, a
// path outside the project) is never left out in silence: every backup of
// the live deployment says so, and the record keeps the warning. A project
// whose state all lies in its directory gets no such warning.
func TestBackupWarnsAboutStateItDoesNotCapture(t *testing.T) {
	m, dep := newProject(t, map[string]string{
		"docker-compose.yml": "services:\n  db:\n    image: postgres:16\n    volumes: [\"pgdata:/var/lib/postgresql/data\", \"./data:/data\"]\nvolumes:\n  pgdata: {}\n",
	})
	res, err := m.Create(context.Background(), dep, backup.CreateRequest{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "db: volume " + dep.ComposeProject + "_pgdata → /var/lib/postgresql/data is not in the backups"
	found := false
	for _, w := range res.Warnings {
		found = found || strings.Contains(w, want)
		if strings.Contains(w, "/data is not in the backups") && !strings.Contains(w, "postgresql") {
			t.Errorf("the bind inside the project is captured, yet: %q", w)
		}
	}
	if !found {
		t.Fatalf("warnings %q: want one saying %q", res.Warnings, want)
	}
	if rec, err := m.Get(context.Background(), dep, res.Record.ID); err != nil || !strings.Contains(strings.Join(rec.Warnings, "\n"), want) {
		t.Errorf("the record's warnings %q (%v): want the volume's", rec.Warnings, err)
	}

	m, dep = newProject(t, map[string]string{
		"docker-compose.yml": "services:\n  web:\n    image: x\n    volumes: [\"./data:/data\", \"/var/run/docker.sock:/var/run/docker.sock\"]\n",
	})
	if res, err := m.Create(context.Background(), dep, backup.CreateRequest{}, nil); err != nil || len(res.Warnings) != 0 {
		t.Errorf("all state captured: warnings %q, err %v", res.Warnings, err)
	}
}
