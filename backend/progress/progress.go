// Package progress defines how long-running domain work reports what it is doing.
// Domain packages report through a Report function; the jobs runner throttles and
// forwards snapshots to the UI. A nil Report is never passed: use Nop.
package progress

// Phase names a step of an operation, shown to the admin.
type Phase string

// Phases shared by backups, restores and upgrades.
const (
	Preparing   Phase = "preparing"
	Stopping    Phase = "stopping"
	Archiving   Phase = "archiving"
	Verifying   Phase = "verifying"
	Extracting  Phase = "extracting"
	Swapping    Phase = "swapping"
	Starting    Phase = "starting"
	Health      Phase = "health"
	Pulling     Phase = "pulling"
	Upgrading   Phase = "upgrading"
	RollingBack Phase = "rolling-back"
	Moving      Phase = "moving"
	Done        Phase = "done"
)

// Progress is one snapshot of an operation's progress.
type Progress struct {
	Phase      Phase  `json:"phase"`
	BytesDone  int64  `json:"bytesDone"`
	BytesTotal int64  `json:"bytesTotal"`
	FilesDone  int64  `json:"filesDone"`
	FilesTotal int64  `json:"filesTotal"`
	Message    string `json:"message,omitempty"`
}

// Report receives progress snapshots. It must be cheap and safe to call from
// any goroutine; throttling is the receiver's business.
type Report func(Progress)

// Nop discards progress.
func Nop(Progress) {}

// Or returns r, or Nop when r is nil.
func Or(r Report) Report {
	if r == nil {
		return Nop
	}
	return r
}

// Phase reports a phase change with a message and no counts.
func (r Report) Phase(p Phase, msg string) { r(Progress{Phase: p, Message: msg}) }
