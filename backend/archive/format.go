// Package archive writes and reads Rewind's self-describing backup archives:
// a tar stream (gzip or zstd compressed) whose first entry is
// .rewind/manifest.json and whose last entry is .rewind/index.jsonl.
package archive

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"
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
	// Sparse lists the files that had holes at the scan. Their holes are
	// stored as zeros; a restore leaves those files' zero blocks as holes
	// again, and needs only their data's space.
	Sparse []SparseFile `json:"sparse,omitempty"`
}

// SparseFile is a file with holes: Holes bytes of its size were not
// allocated on disk at the scan.
type SparseFile struct {
	Path  string `json:"path"`
	Holes int64  `json:"holes"`
}

// HoleBytes is the total of the sparse files' holes: the bytes a restore
// of everything does not have to allocate.
func (m Manifest) HoleBytes() int64 { return holeTotal(m.Sparse) }

func holeTotal(sparse []SparseFile) int64 {
	var n int64
	for _, s := range sparse {
		n += max(s.Holes, 0)
	}
	return n
}

// manifestFields is Manifest without its JSON methods.
type manifestFields Manifest

// manifestJSON is a Manifest as JSON spells it: an included path that is
// not valid UTF-8 (a top-level name a restore replaced, kept in a
// pre-restore backup) also travels as base64, at the same index of
// PathsBase64 (empty for the others).
type manifestJSON struct {
	manifestFields
	PathsBase64 []string `json:"pathsBase64,omitempty"`
}

// MarshalJSON spells m faithfully whatever bytes its paths hold.
func (m Manifest) MarshalJSON() ([]byte, error) {
	j := manifestJSON{manifestFields: manifestFields(m)}
	j.Paths, j.PathsBase64 = NamesToJSON(m.Paths)
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (m *Manifest) UnmarshalJSON(data []byte) error {
	var j manifestJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	var err error
	if j.Paths, err = NamesFromJSON(j.Paths, j.PathsBase64); err != nil {
		return fmt.Errorf("paths: %w", err)
	}
	*m = Manifest(j.manifestFields)
	return nil
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

// entryFields is Entry without its JSON methods.
type entryFields Entry

// entryJSON is an Entry as JSON spells it. A JSON string holds only valid
// UTF-8 (encoding/json would replace other bytes with U+FFFD), so a path or
// link target that is not valid UTF-8 travels as base64 beside the lossy
// form, which stays readable.
type entryJSON struct {
	entryFields
	PathBase64 string `json:"pathBase64,omitempty"`
	LinkBase64 string `json:"linkBase64,omitempty"`
}

// jsonValue is what encoding/json is given for e: its plain fields when its
// names are valid UTF-8 (no method call, the index's fast path), otherwise
// the faithful form.
func (e *Entry) jsonValue() any {
	if utf8.ValidString(e.Path) && utf8.ValidString(e.Link) {
		return (*entryFields)(e)
	}
	j := entryJSON{entryFields: entryFields(*e)}
	j.Path, j.PathBase64 = NameToJSON(e.Path)
	j.Link, j.LinkBase64 = NameToJSON(e.Link)
	return j
}

// MarshalJSON spells e faithfully whatever bytes its path and link hold.
func (e Entry) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(e.jsonValue()); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (e *Entry) UnmarshalJSON(data []byte) error {
	v, err := decodeEntry(data)
	if err != nil {
		return err
	}
	*e = v
	return nil
}

// decodeEntry decodes one JSON entry (an index line) with one pass of
// encoding/json.
func decodeEntry(data []byte) (Entry, error) {
	var j entryJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return Entry{}, err
	}
	var err error
	if j.Path, err = NameFromJSON(j.Path, j.PathBase64); err != nil {
		return Entry{}, fmt.Errorf("path: %w", err)
	}
	if j.Link, err = NameFromJSON(j.Link, j.LinkBase64); err != nil {
		return Entry{}, fmt.Errorf("link: %w", err)
	}
	return Entry(j.entryFields), nil
}
