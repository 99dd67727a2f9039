package restore

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"syscall"

	"rewind/backend/archive"
	"rewind/backend/docker"
	"rewind/backend/durable"
	"rewind/backend/store"
)

// Journal phases, in order. Recovery undoes everything before phaseCommitted.
const (
	phaseStaging   = "staging"   // extracting into the staging directory
	phaseStopped   = "stopped"   // containers stopped (policies set to no)
	phaseSwapping  = "swapping"  // carrying and swapping entries
	phaseStarting  = "starting"  // swapped; starting and health-checking
	phaseUndoing   = "undoing"   // a failure is being undone
	phaseCommitted = "committed" // the restore succeeded; the old entries are in the staging dir
)

// facts is the restore's journal: written (to the operations row and to a
// JSON file in the work directory) before each irreversible step.
type facts struct {
	OpID       int64            `json:"opId"`
	BackupID   int64            `json:"backupId"`
	Mode       Mode             `json:"mode"`
	Root       string           `json:"root"`
	Work       string           `json:"work"`  // <root>/.rewind/restore-<op>
	Stage      string           `json:"stage"` // <work>/stage
	Phase      string           `json:"phase"`
	Snapshot   *docker.Snapshot `json:"snapshot,omitempty"`
	Stopped    bool             `json:"stopped"`
	NoStart    bool             `json:"noStart"`
	Carried    []string         `json:"carried"`
	Swaps      []swap           `json:"swaps"`
	OldVersion string           `json:"oldVersion"`
	// Leftover: nothing in Work is needed any more; it is being removed.
	Leftover bool `json:"leftover,omitempty"`
}

// swap is one top-level entry being exchanged. Inode numbers identify the
// staged and the live tree wherever a crash left them.
type swap struct {
	Target    string `json:"target"`
	StagedIno uint64 `json:"stagedIno"` // 0: the archive has no such entry (it is removed)
	LiveIno   uint64 `json:"liveIno"`   // 0: there was no live entry (it is added)
	Done      bool   `json:"done"`
}

func workDir(root string, op int64) string {
	return filepath.Join(root, archive.MetaDir, "restore-"+itoa(op))
}

func journalFile(work string) string { return filepath.Join(work, "journal.json") }

// save writes the journal to its file and to the operations row.
func (r *Restorer) save(ctx context.Context, f *facts, step string) error {
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	if err := durable.WriteFile(journalFile(f.Work), b, 0o600); err != nil {
		return err
	}
	return r.Store.UpdateOperation(context.WithoutCancel(ctx), f.OpID, step, f)
}

func loadFacts(work string) (facts, error) {
	var f facts
	b, err := os.ReadFile(journalFile(work))
	if err != nil {
		return f, err
	}
	return f, json.Unmarshal(b, &f)
}

func dev(p string) (uint64, error) {
	st, err := os.Lstat(p)
	if err != nil {
		return 0, err
	}
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return uint64(s.Dev), nil
	}
	return 0, nil
}

var _ = store.ErrNotFound
