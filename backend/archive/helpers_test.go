package archive

import (
	"archive/tar"
	"io"
)

// Test-only readers of what the package writes.

// ReadManifest decompresses r and decodes its first entry, which must be the
// manifest; nothing after it is read. It fails with ErrNotArchive for a
// stream that is neither gzip nor zstd and with ErrNoManifest when the first
// entry is not a valid manifest.
func ReadManifest(r io.Reader) (Manifest, error) {
	zr, _, err := Decompress(r)
	if err != nil {
		return Manifest{}, err
	}
	defer zr.Close()
	return readManifestEntry(tar.NewReader(zr))
}
