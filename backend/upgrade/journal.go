package upgrade

import (
	"context"
	"encoding/json"
	"fmt"

	"rewind/backend/crashpoint"
	"rewind/backend/docker"
	"rewind/backend/store"
)

// Journal steps, written before the action they name. Recovery decides from
// the last one: before stepEnv nothing was changed but the services may be
// stopped; stepEnv may have changed .env only; from stepUp on the new
// version may have run and touched data,
// so the upgrade is rolled back; stepRollback and stepRollbackUp redo the
// rollback; stepDone means the health window had passed.
const (
	stepStop       = "stop"
	stepBackup     = "backup"
	stepPin        = "pin"
	stepEnv        = "env"
	stepUp         = "up"
	stepHealth     = "health"
	stepDone       = "done"
	stepRollback   = "rollback"    // restore the pre-upgrade backup
	stepRollbackUp = "rollback-up" // files restored: images, compose up, health
)

// facts are what recovery needs about an upgrade or rollback in flight.
type facts struct {
	UpgradeID  int64  `json:"upgradeId"`
	From       string `json:"from"`
	To         string `json:"to"`
	VersionKey string `json:"versionKey"`
	BackupID   int64  `json:"backupId"`
	Pins       []Pin  `json:"pins"`
	NoRollback bool   `json:"noRollback"`
	// Snapshot is what ran before the upgrade stopped it; Stopped says the
	// stop may have begun, so recovery must start those containers again
	// (or roll forward through compose up).
	Snapshot *docker.Snapshot `json:"snapshot,omitempty"`
	Stopped  bool             `json:"stopped"`
	// Reason is why a rollback runs (the upgrade's failure, or a request).
	Reason string `json:"reason,omitempty"`
}

// journal is one operation row being written step by step.
type journal struct {
	st     *store.Store
	id     int64
	kind   store.OpKind
	f      facts
	onStep func(name string) // tests: called where the crash points are
}

func (u *Upgrader) begin(ctx context.Context, depID int64, kind store.OpKind, step string, f facts) (*journal, error) {
	st := u.Store
	raw, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	id, err := st.BeginOperation(ctx, store.Operation{DeploymentID: depID, Kind: kind, Step: step, Facts: raw})
	if err != nil {
		return nil, fmt.Errorf("journal the %s: %w", kind, err)
	}
	j := &journal{st: st, id: id, kind: kind, f: f, onStep: u.onStep}
	j.hit(step)
	return j, nil
}

// step journals the step about to run (with the current facts), then marks
// the crash point "<kind>.<step>".
func (j *journal) step(ctx context.Context, step string) error {
	if err := j.st.UpdateOperation(context.WithoutCancel(ctx), j.id, step, j.f); err != nil {
		return fmt.Errorf("journal step %s: %w", step, err)
	}
	j.hit(step)
	return nil
}

// hit marks the crash point "<kind>.<step>".
func (j *journal) hit(step string) {
	crashpoint.Hit(string(j.kind) + "." + step)
	if j.onStep != nil {
		j.onStep(string(j.kind) + "." + step)
	}
}

// finish ends the operation; it runs whatever the context says.
func (j *journal) finish(ctx context.Context, state store.OpState, errText string) error {
	return j.st.FinishOperation(context.WithoutCancel(ctx), j.id, state, errText)
}
