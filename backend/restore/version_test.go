package restore

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"rewind/backend/deployment"
)

// A restore keeps the files it replaces as a pre-restore backup that
// records the version in .env. A version no archive's manifest may carry is
// refused before anything changes, instead of failing that backup after the
// swap.
func TestRestoreRefusesAnEnvVersionNoBackupCanRecord(t *testing.T) {
	f := newFixture(t)
	write(t, f.dep.Path, ".env", "APP_VERSION="+strings.Repeat("9", 5000)+"\n")
	before := f.hash(t)
	_, err := f.r.Run(context.Background(), f.dep, f.backupID, Options{Mode: Full, Confirmed: true}, nil)
	if !errors.Is(err, deployment.ErrInvalidSetting) || !strings.Contains(err.Error(), "APP_VERSION") {
		t.Fatalf("err = %v, want an invalid setting naming APP_VERSION", err)
	}
	if f.hash(t) != before || slices.Contains(f.eng.Calls(), "stop") {
		t.Errorf("something changed: calls %v", f.eng.Calls())
	}
	if left := f.workLeft(t); len(left) != 0 {
		t.Errorf(".rewind holds %v", left)
	}
}
