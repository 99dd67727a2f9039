package service_test

import (
	"context"
	"path/filepath"
	"testing"

	"rewind/backend/coverage"
)

// Status says what the backups capture, and a compose file that cannot be
// read leaves the coverage empty with the reason, never a failed status.
func TestStatusCoverage(t *testing.T) {
	f := newFixture(t)
	write(t, filepath.Join(f.project, "compose.yaml"),
		"services:\n  web:\n    image: shop:${APP_VERSION}\n    volumes:\n      - ./data:/data\n      - db:/var/lib/db\nvolumes:\n  db: {}\n")
	s, _ := f.initialised(t)
	ctx := context.Background()
	st, err := s.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	locs := st.Coverage.Locations
	if len(locs) != 2 || st.Coverage.Problem != "" {
		t.Fatalf("coverage %+v, want two locations", st.Coverage)
	}
	if l := locs[0]; l.Kind != coverage.Tree || !l.Captured {
		t.Errorf("data bind %+v, want a captured tree bind", l)
	}
	if l := locs[1]; l.Kind != coverage.Volume || l.Source != "shop_db" || l.Captured {
		t.Errorf("named volume %+v, want volume shop_db, not captured", l)
	}
	if ws := st.Coverage.Warnings(); len(ws) != 1 {
		t.Errorf("warnings %q, want one for the named volume", ws)
	}

	write(t, filepath.Join(f.project, "compose.yaml"), "services: [not, a, map\n")
	st, err = s.Status(ctx)
	if err != nil {
		t.Fatalf("status with a broken compose file: %v, want the coverage to say so", err)
	}
	if st.Coverage.Locations == nil || len(st.Coverage.Locations) != 0 || st.Coverage.Problem == "" {
		t.Errorf("coverage %+v, want no locations and the problem", st.Coverage)
	}
	if len(st.Coverage.Warnings()) != 1 {
		t.Errorf("warnings %q, want the problem", st.Coverage.Warnings())
	}
}
