package backup_test

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"rewind/backend/op"
	"rewind/backend/store/storetest"
	"testing"
	"time"

	"rewind/backend/backup"
	"rewind/backend/deployment"
	"rewind/backend/store"
)

// catalog is an in-memory catalog with one deployment whose project and
// storage directories exist, for tests of what the catalog decides
// (retention, delete warnings) without archiving anything.
type catalog struct {
	st  *store.Store
	dep deployment.Deployment
}

func newCatalog(t *testing.T) catalog {
	t.Helper()
	st := storetest.Open(t)
	root := t.TempDir()
	dep := deployment.Deployment{Name: "shop", Path: filepath.Join(root, "shop"), StorageDir: filepath.Join(root, "backups"),
		ComposeProject: "shop", VersionKey: "APP_VERSION"}
	for _, d := range []string{dep.Path, dep.StorageDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var err error
	if dep.ID, err = st.CreateDeployment(context.Background(), dep); err != nil {
		t.Fatal(err)
	}
	return catalog{st, dep}
}

// record adds a completed backup of type typ with a small file in the
// storage directory: made here (inserted, then completed, as a backup run
// records it), or adopted (imported) when adopted is set.
func (c catalog) record(t *testing.T, name, typ, version string, created time.Time, adopted bool) int64 {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(c.dep.StorageDir, name)
	if err := os.WriteFile(path, []byte(name), 0o600); err != nil {
		t.Fatal(err)
	}
	b := store.Backup{DeploymentID: c.dep.ID, Name: name, Type: typ, Version: version, Path: path, CreatedAt: created}
	if adopted {
		id, err := c.st.InsertCompletedBackup(ctx, b, nil)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	id, err := c.st.InsertBackup(ctx, b)
	if err == nil {
		err = c.st.CompleteBackup(ctx, id, 1, 0, "", nil, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// newProject initialises a deployment "shop" in a fresh in-memory catalog:
// its project directory holds an empty data directory and files (relative
// slash path to content; a docker-compose.yml naming one service when files
// has none). It returns the backup manager and the deployment.
func newProject(t *testing.T, files map[string]string) (*backup.Manager, deployment.Deployment) {
	t.Helper()
	root := filepath.Join(t.TempDir(), "shop")
	if err := os.MkdirAll(filepath.Join(root, "data"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, ok := files["docker-compose.yml"]; !ok {
		files = maps.Clone(files)
		if files == nil {
			files = map[string]string{}
		}
		files["docker-compose.yml"] = "services:\n  web:\n    image: x\n"
	}
	for rel, content := range files {
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	st := storetest.Open(t)
	dep, err := deployment.Init(context.Background(), st, t.TempDir(), deployment.InitOptions{Path: root})
	if err != nil {
		t.Fatal(err)
	}
	return backup.New(op.New(st), nil), dep
}
