// Package archivetest proves in tests that a tree on disk equals an archive:
// it hashes a directory the way an archive's index is hashed.
package archivetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"rewind/backend/archive"
)

// HashTree scans dir as archive.Scan does (Lstat, .rewind and excludes left
// out), hashes every regular file and returns archive.TreeHash of the result
// with the entries. Sockets, devices and FIFOs are not part of the hash, as
// they are not archived. A file that changes between the scan and its read
// is an error matching archive.ErrChanged.
func HashTree(ctx context.Context, dir string, excludes []string) (string, []archive.Entry, error) {
	plan, err := archive.Scan(ctx, dir, excludes)
	if err != nil {
		return "", nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return "", nil, err
	}
	defer root.Close()
	for i := range plan.Entries {
		if err := ctx.Err(); err != nil {
			return "", nil, err
		}
		if e := &plan.Entries[i]; e.Type == archive.TypeFile {
			if e.SHA256, err = hashFile(root, e); err != nil {
				return "", nil, err
			}
		}
	}
	return archive.TreeHash(plan.Entries), plan.Entries, nil
}

// hashFile returns the hex SHA-256 of the regular file of e.
func hashFile(root *os.Root, e *archive.Entry) (string, error) {
	f, err := root.Open(filepath.FromSlash(e.Path))
	if errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("%s: %w: vanished after the scan", e.Path, archive.ErrChanged)
	}
	if err != nil {
		return "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", err
	}
	if !fi.Mode().IsRegular() || fi.Size() != e.Size {
		return "", fmt.Errorf("%s: %w: size %d at the scan, %d now", e.Path, archive.ErrChanged, e.Size, fi.Size())
	}
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(f, e.Size))
	if err != nil {
		return "", err
	}
	if n != e.Size {
		return "", fmt.Errorf("%s: %w: shrank to %d bytes while being read, scanned %d", e.Path, archive.ErrChanged, n, e.Size)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
