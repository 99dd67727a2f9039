package store

import (
	"context"
	"errors"
	"reflect"
	"rewind/backend/deployment"
	"testing"
	"time"
)

var fixedTime = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

func TestDeploymentRoundTrip(t *testing.T) {
	ctx := context.Background()
	stores(t, func(t *testing.T, s *Store) {
		zone := time.FixedZone("UTC+8", 8*3600)
		in := deployment.Deployment{
			Name: "shop", Path: "/srv/shop/", DataPaths: []string{"data", "upload"},
			Excludes: []string{"cache", `odd "name"`}, VersionKey: "APP_VERSION",
			StorageDir: "/var/backups/shop", ComposeProject: "shop",
			CreatedAt: time.Date(2025, 1, 2, 11, 4, 5, 123456789, zone),
		}
		id, err := s.CreateDeployment(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.DeploymentByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want := in
		want.ID, want.Path, want.StateDir = id, "/srv/shop", s.Dir() // the catalog says where its state lives
		want.CreatedAt = time.Date(2025, 1, 2, 3, 4, 5, 123456000, time.UTC)
		want.LastUsedAt = want.CreatedAt
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("got %+v, want %+v", got, want)
		}
		if got.CreatedAt.Location() != time.UTC {
			t.Fatalf("location %v, want UTC", got.CreatedAt.Location())
		}
		for name, lookup := range map[string]func() (deployment.Deployment, error){
			"path": func() (deployment.Deployment, error) { return s.DeploymentByPath(ctx, "/srv/shop") },
			"name": func() (deployment.Deployment, error) { return s.DeploymentByName(ctx, "shop") },
		} {
			if d, err := lookup(); err != nil || d.ID != id {
				t.Errorf("by %s: got %d, %v", name, d.ID, err)
			}
		}

		got.DataPaths, got.Excludes, got.Name = nil, nil, "shop-2"
		if err := s.UpdateDeployment(ctx, got); err != nil {
			t.Fatal(err)
		}
		upd, err := s.DeploymentByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if upd.Name != "shop-2" || upd.DataPaths == nil || len(upd.DataPaths) != 0 || upd.Excludes == nil {
			t.Fatalf("after update: %+v (nil slices must read back empty)", upd)
		}
	})
}

func TestDeploymentErrors(t *testing.T) {
	ctx := context.Background()
	s := newMemStore(t)
	if _, err := s.CreateDeployment(ctx, deployment.Deployment{Name: "a", Path: "/a"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		d    deployment.Deployment
		want error
	}{
		{"duplicate name", deployment.Deployment{Name: "a", Path: "/b"}, ErrDuplicateName},
		{"duplicate path", deployment.Deployment{Name: "b", Path: "/a/"}, ErrDuplicatePath},
		{"relative path", deployment.Deployment{Name: "c", Path: "srv/c"}, ErrInvalid},
		{"empty name", deployment.Deployment{Path: "/d"}, ErrInvalid},
		// JSON would store U+FFFD instead, an exclude that silently matches nothing.
		{"exclude not utf-8", deployment.Deployment{Name: "e", Path: "/e", Excludes: []string{"data/r\xe9sum\xe9.pdf"}}, ErrInvalid},
		{"path not utf-8", deployment.Deployment{Name: "f", Path: "/srv/\xe9"}, ErrInvalid},
	}
	for _, tt := range tests {
		if _, err := s.CreateDeployment(ctx, tt.d); !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
		}
	}
	if _, err := s.DeploymentByID(ctx, 99); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing id: %v", err)
	}
	if err := s.TouchDeployment(ctx, 99); !errors.Is(err, ErrNotFound) {
		t.Errorf("touch missing: %v", err)
	}
	if err := s.UpdateDeployment(ctx, deployment.Deployment{ID: 99, Name: "z", Path: "/z"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("update missing: %v", err)
	}
}

func TestMostRecentDeployment(t *testing.T) {
	ctx := context.Background()
	s := newMemStore(t)
	if _, err := s.MostRecentDeployment(ctx); !errors.Is(err, ErrNotFound) {
		t.Fatalf("empty catalog: %v, want ErrNotFound", err)
	}
	old := fixedTime
	a, _ := s.CreateDeployment(ctx, deployment.Deployment{Name: "a", Path: "/a", CreatedAt: old})
	b, _ := s.CreateDeployment(ctx, deployment.Deployment{Name: "b", Path: "/b", CreatedAt: old.Add(time.Hour)})
	if d, err := s.MostRecentDeployment(ctx); err != nil || d.ID != b {
		t.Fatalf("got %d (%v), want %d", d.ID, err, b)
	}
	if err := s.TouchDeployment(ctx, a); err != nil {
		t.Fatal(err)
	}
	if d, err := s.MostRecentDeployment(ctx); err != nil || d.ID != a {
		t.Fatalf("after touch got %d (%v), want %d", d.ID, err, a)
	}
	list, err := s.ListDeployments(ctx)
	if err != nil || len(list) != 2 || list[0].Name != "a" {
		t.Fatalf("list %+v, %v", list, err)
	}
}
