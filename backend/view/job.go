package view

import "time"

// Job states.
const (
	JobRunning   = "running"
	JobSucceeded = "succeeded"
	JobFailed    = "failed"
	JobCanceled  = "canceled"
)

// Job is a snapshot of a long-running operation, sent to the UI as the
// `job:update` event and returned by ListJobs. Every snapshot is complete;
// the UI keeps the one with the highest Seq per job.
type Job struct {
	ID          string     `json:"id"`
	Kind        string     `json:"kind"`
	Title       string     `json:"title"`
	State       string     `json:"state"`
	Phase       string     `json:"phase"`
	BytesDone   int64      `json:"bytesDone"`
	BytesTotal  int64      `json:"bytesTotal"`
	FilesDone   int64      `json:"filesDone"`
	FilesTotal  int64      `json:"filesTotal"`
	Rate        float64    `json:"rate"`       // bytes per second
	ETASeconds  float64    `json:"etaSeconds"` // -1 when unknown
	Seq         int64      `json:"seq"`
	StartedAt   time.Time  `json:"startedAt" ts_type:"string"`
	FinishedAt  *time.Time `json:"finishedAt" ts_type:"string | null"`
	Cancellable bool       `json:"cancellable"`
	Committed   bool       `json:"committed"` // past its commit point: runs to its end
	Message     string     `json:"message"`
	Error       *Error     `json:"error"`
	Result      any        `json:"result" ts_type:"any"`
	Log         []string   `json:"log"`
}

// JobEvent is the name of the event that carries Job snapshots.
const JobEvent = "job:update"
