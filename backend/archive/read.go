package archive

import (
	"archive/tar"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxManifestSize caps the manifest entry, which is read into memory.
const maxManifestSize = 1 << 20

// readManifestEntry reads and decodes the tar's first entry as the manifest.
func readManifestEntry(tr *tar.Reader) (Manifest, error) {
	hdr, err := tr.Next()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return Manifest{}, fmt.Errorf("%w: empty archive", ErrNoManifest)
		}
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return Manifest{}, fmt.Errorf("%w: %v", ErrTruncated, err)
		}
		return Manifest{}, fmt.Errorf("%w: %v", ErrNoManifest, err)
	}
	if hdr.Name != ManifestName || hdr.Typeflag != tar.TypeReg {
		return Manifest{}, fmt.Errorf("%w: first entry is %q", ErrNoManifest, hdr.Name)
	}
	if hdr.Size > maxManifestSize {
		return Manifest{}, fmt.Errorf("%w: manifest of %d bytes is too large", ErrNoManifest, hdr.Size)
	}
	data, err := io.ReadAll(tr)
	if err != nil {
		return Manifest{}, classifyReadError(err)
	}
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return Manifest{}, fmt.Errorf("%w: %v", ErrNoManifest, err)
	}
	if m.FormatVersion < 1 {
		return Manifest{}, fmt.Errorf("%w: no format version", ErrNoManifest)
	}
	if m.FormatVersion > FormatVersion {
		return Manifest{}, fmt.Errorf("%w: version %d, this build reads up to %d",
			ErrUnsupportedVersion, m.FormatVersion, FormatVersion)
	}
	return m, nil
}

// classifyReadError maps a decoding error to the package's sentinels.
func classifyReadError(err error) error {
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fmt.Errorf("%w: %v", ErrTruncated, err)
	}
	return fmt.Errorf("%w: %v", ErrCorrupt, err)
}
