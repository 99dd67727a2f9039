// Package archive writes and reads Rewind's self-describing backup archives:
// a tar stream (gzip or zstd compressed) whose first entry is
// .rewind/manifest.json and whose last entry is .rewind/index.jsonl.
package archive

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
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

// MarshalJSON spells e faithfully whatever bytes its path and link hold.
func (e Entry) MarshalJSON() ([]byte, error) {
	j := entryJSON{entryFields: entryFields(e)}
	if !utf8.ValidString(e.Path) {
		j.PathBase64 = base64.StdEncoding.EncodeToString([]byte(e.Path))
		j.Path = lossyUTF8(e.Path)
	}
	if !utf8.ValidString(e.Link) {
		j.LinkBase64 = base64.StdEncoding.EncodeToString([]byte(e.Link))
		j.Link = lossyUTF8(e.Link)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(j); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// UnmarshalJSON reads what MarshalJSON wrote. A base64 form must be the only
// spelling of its name: invalid UTF-8 whose lossy form is the plain field.
func (e *Entry) UnmarshalJSON(data []byte) error {
	var j entryJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	var err error
	if j.Path, err = rawName("path", j.Path, j.PathBase64); err != nil {
		return err
	}
	if j.Link, err = rawName("link", j.Link, j.LinkBase64); err != nil {
		return err
	}
	*e = Entry(j.entryFields)
	return nil
}

func rawName(field, text, b64 string) (string, error) {
	if b64 == "" {
		return text, nil
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	switch {
	case err != nil:
		return "", fmt.Errorf("%sBase64: %w", field, err)
	case utf8.Valid(raw):
		return "", fmt.Errorf("%sBase64 holds valid utf-8: it belongs in %s", field, field)
	case lossyUTF8(string(raw)) != text:
		return "", fmt.Errorf("%s %q does not match %sBase64", field, text, field)
	}
	return string(raw), nil
}

// lossyUTF8 replaces each byte that is not valid UTF-8 with U+FFFD, as
// encoding/json does.
func lossyUTF8(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}
