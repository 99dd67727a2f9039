package archive

import "errors"

// Sentinel errors of the archive reader and verifier. Match them with errors.Is;
// most are wrapped with the offending path or the decoder's own message.
var (
	// ErrNoManifest: the first entry is not a valid .rewind/manifest.json.
	ErrNoManifest = errors.New("archive has no valid manifest")
	// ErrNoIndex: the stream ended without a valid .rewind/index.jsonl as its last entry.
	ErrNoIndex = errors.New("archive has no valid index")
	// ErrIndexMismatch: an entry differs from what the index (or manifest) says about it.
	ErrIndexMismatch = errors.New("archive does not match its index")
	// ErrTruncated: the stream ends before the archive does.
	ErrTruncated = errors.New("archive is truncated")
	// ErrCorrupt: the compressed or tar data cannot be decoded, or bytes follow the archive's end.
	ErrCorrupt = errors.New("archive is corrupt")
	// ErrUnsupportedVersion: the archive was written by a newer format version.
	ErrUnsupportedVersion = errors.New("archive format version not supported")
	// ErrChanged: a file changed type or size, or vanished, between the scan and the write.
	ErrChanged = errors.New("file changed during backup")
)
