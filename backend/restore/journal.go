package restore

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"rewind/backend/archive"
	"rewind/backend/docker"
	"rewind/backend/op"
)

// The steps of a restore, in the order they run (docs/operations.md). Each
// is journaled, then reached: a crash point of the crashtest build and a
// place where tests inject a fault ("restore.staged").
const (
	Planning  op.Step = "planning"  // journaled under the lock; the backup is checked and the restore planned
	Planned   op.Step = "planned"   // planned and confirmed; nothing changed yet
	Staging   op.Step = "staging"   // the staging directory exists; the archive is extracted into it
	Extracted op.Step = "extracted" // every entry extracted and synced
	Staged    op.Step = "staged"    // the archive's hash and manifest checked: the staged tree is ready
	Stopped   op.Step = "stopped"   // the containers that run are stopped
	Carried   op.Step = "carried"   // the commit point: what the mode keeps is carried into the staged tree, then the swap
	Swapped   op.Step = "swapped"   // every entry swapped
	Started   op.Step = "started"   // the containers run again (healthy where they can tell)
	Committed op.Step = "committed" // the restore succeeded; the replaced entries become the pre-restore backup
	Undoing   op.Step = "undoing"   // a failure is being undone
	Undone    op.Step = "undone"    // the previous files are back
)

// The crash points inside steps, not journaled.
const (
	ExtractingMid op.Step = "extracting.mid" // half the archive extracted
	Swapping      op.Step = "swapping"       // before each entry is swapped (one hit per entry)
)

// Spec declares the restore to the operation kernel.
var Spec = op.Spec{
	Kind: op.Restore,
	Steps: []op.Step{Planning, Planned, Staging, Extracted, Staged, Stopped, Carried, Swapped, Started, Committed,
		Undoing, Undone},
	Points: []op.Step{ExtractingMid, Swapping},
}

// The journal's phase says what recovery must do: Staging (nothing live
// changed), Stopped, Swapping (carrying and swapping entries), Swapped
// (starting and health-checking), Undoing, Undone, or Committed (the old
// entries wait in the staging directory for the safety copy). Recovery
// undoes everything before Committed.
//
// phaseStartingV1 is the previous version's name of Swapped: its journals
// are still read.
const phaseStartingV1 op.Step = "starting"

// facts is the restore's journal: written (to the operations row and to a
// JSON file in the work directory) before each irreversible step.
type facts struct {
	OpID       int64            `json:"opId"`
	BackupID   int64            `json:"backupId"`
	Mode       Mode             `json:"mode"`
	Root       string           `json:"root"`
	Work       string           `json:"work"`  // <root>/.rewind/restore-<op>
	Stage      string           `json:"stage"` // <work>/stage
	Phase      op.Step          `json:"phase"`
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

func workDir(root string, id int64) string {
	return filepath.Join(root, archive.MetaDir, fmt.Sprintf("restore-%d", id))
}

// journalFile is the journal beside the work it describes: the kernel
// writes it before the catalog row, so it is the newer of the two.
func journalFile(work string) string { return filepath.Join(work, "journal.json") }

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
