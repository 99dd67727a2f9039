// Package archive writes and reads Rewind's self-describing backup archives:
// a tar stream (gzip or zstd compressed) whose first entry is
// .rewind/manifest.json and whose last entry is .rewind/index.jsonl.
package archive

import (
	"time"
)

// FormatVersion is the archive format written by this build.
const FormatVersion = 1

// Names of Rewind's own entries inside an archive. They are read, never extracted.
const (
	MetaDir      = ".rewind"
	ManifestName = ".rewind/manifest.json"
	IndexName    = ".rewind/index.jsonl"
)

// Compression names a stream compression.
type Compression string

// Supported compressions.
const (
	Gzip Compression = "gzip"
	Zstd Compression = "zstd"
)

// Ext returns the file name extension for archives of this compression.
func (c Compression) Ext() string {
	if c == Zstd {
		return ".tar.zst"
	}
	return ".tar.gz"
}

// Manifest describes a backup. It travels as the archive's first entry so that
// the catalog can be rebuilt from the archives alone.
type Manifest struct {
	FormatVersion int            `json:"formatVersion"`
	Deployment    string         `json:"deployment"`
	Project       string         `json:"project"`
	Type          string         `json:"type"`
	Version       string         `json:"version"`
	CreatedAt     time.Time      `json:"createdAt" ts_type:"string"` // UTC, RFC 3339
	Description   string         `json:"description,omitempty"`
	Paths         []string       `json:"paths"`     // included paths, relative to the deployment root ("." = everything)
	Excludes      []string       `json:"excludes"`  // excluded paths, relative
	DataPaths     []string       `json:"dataPaths"` // the deployment's data paths at backup time
	Compression   Compression    `json:"compression"`
	Totals        Totals         `json:"totals"` // from the pre-scan
	Services      []ServiceImage `json:"services"`
}

// Totals are the pre-scan's counts.
type Totals struct {
	Entries int64 `json:"entries"` // every entry (files, dirs, links)
	Files   int64 `json:"files"`   // regular files (hard links excluded)
	Bytes   int64 `json:"bytes"`   // regular file content bytes
}

// ServiceImage is what a service ran when the backup was taken.
type ServiceImage struct {
	Service    string `json:"service"`
	Image      string `json:"image"`                // reference as written in the compose file / container config
	ImageID    string `json:"imageId"`              // sha256:...
	RepoDigest string `json:"repoDigest,omitempty"` // repo@sha256:..., when known
}

// Entry types in the index.
const (
	TypeFile     = "file"
	TypeDir      = "dir"
	TypeSymlink  = "symlink"
	TypeHardlink = "hardlink"
)

// Entry is one line of .rewind/index.jsonl: one archived entry.
// Path is slash-separated and relative to the deployment root.
type Entry struct {
	Path   string    `json:"path"`
	Type   string    `json:"type"`
	Size   int64     `json:"size"`                   // content bytes for files, 0 otherwise
	Mode   uint32    `json:"mode"`                   // permission bits (& 07777)
	MTime  time.Time `json:"mtime" ts_type:"string"` // UTC, nanosecond precision
	UID    int       `json:"uid"`
	GID    int       `json:"gid"`
	Link   string    `json:"link,omitempty"`   // symlink target, or hard link's first path
	SHA256 string    `json:"sha256,omitempty"` // content hash of regular files
}

// Progress is a snapshot of work done against the pre-scan's totals.
type Progress struct {
	BytesDone  int64  `json:"bytesDone"`
	BytesTotal int64  `json:"bytesTotal"`
	FilesDone  int64  `json:"filesDone"`
	FilesTotal int64  `json:"filesTotal"`
	Current    string `json:"current,omitempty"`
}

// Report receives progress. Implementations must be cheap; callers throttle.
type Report func(Progress)
