package store

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"rewind/backend/archive"
)

func TestUpgradeRoundTrip(t *testing.T) {
	ctx := context.Background()
	stores(t, func(t *testing.T, s *Store) {
		in := Upgrade{DeploymentID: 1, FromVersion: "1.0", ToVersion: "2.0", BackupID: 5,
			StartedAt: time.Date(2025, 5, 5, 10, 0, 0, 0, time.FixedZone("X", 3*3600)),
			ImagesBefore: []archive.ServiceImage{{Service: "web", Image: "shop:1.0",
				ImageID: "sha256:aa", RepoDigest: "shop@sha256:bb"}}}
		id, err := s.InsertUpgrade(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.GetUpgrade(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want := in
		want.ID, want.Status, want.StartedAt = id, UpgradeRunning, in.StartedAt.UTC()
		want.ImagesAfter = []archive.ServiceImage{}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("after insert\n got %+v\nwant %+v", got, want)
		}

		finished := want.StartedAt.Add(90 * time.Second)
		healthy := true
		got.Status, got.FinishedAt, got.DurationMS = UpgradeRolledBack, &finished, 90000
		got.Error, got.RollbackReason, got.RollbackHealthy = "web unhealthy", "health window", &healthy
		got.ImagesAfter = []archive.ServiceImage{{Service: "web", Image: "shop:2.0", ImageID: "sha256:cc"}}
		if err := s.UpdateUpgrade(ctx, got); err != nil {
			t.Fatal(err)
		}
		again, err := s.GetUpgrade(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(again, got) {
			t.Fatalf("after update\n got %+v\nwant %+v", again, got)
		}
		list, err := s.ListUpgrades(ctx, 1)
		if err != nil || len(list) != 1 || list[0].ID != id {
			t.Fatalf("list %+v, %v", list, err)
		}
	})
}

func TestUpgradeErrorsAndOrder(t *testing.T) {
	ctx := context.Background()
	s := newMemStore(t)
	if _, err := s.InsertUpgrade(ctx, Upgrade{ToVersion: "2", Status: "done"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad status: %v", err)
	}
	if _, err := s.InsertUpgrade(ctx, Upgrade{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("no target: %v", err)
	}
	if err := s.UpdateUpgrade(ctx, Upgrade{ID: 42, ToVersion: "2", Status: UpgradeFailed}); !errors.Is(err, ErrNotFound) {
		t.Errorf("update missing: %v", err)
	}
	if _, err := s.GetUpgrade(ctx, 42); !errors.Is(err, ErrNotFound) {
		t.Errorf("get missing: %v", err)
	}
	for i, v := range []string{"2", "3", "4"} {
		if _, err := s.InsertUpgrade(ctx, Upgrade{DeploymentID: 1, ToVersion: v,
			StartedAt: fixedTime.Add(time.Duration(i) * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	list, err := s.ListUpgrades(ctx, 0)
	if err != nil || len(list) != 3 || list[0].ToVersion != "4" || list[2].ToVersion != "2" {
		t.Fatalf("order: %+v, %v", list, err)
	}
	if list[0].ImagesBefore == nil || list[0].RollbackHealthy != nil {
		t.Fatalf("defaults: %+v", list[0])
	}
}
