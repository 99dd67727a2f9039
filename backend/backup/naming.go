package backup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"time"

	"rewind/backend/archive"
	"rewind/backend/store"
)

var unsafeVersionChars = regexp.MustCompile(`[^A-Za-z0-9._-]`)

// maxNameVersion bounds the version part of an archive's name, so that the
// name (with its partial suffix) stays far below the 255 bytes a file name
// may have. The full version is in the record and the manifest.
const maxNameVersion = 64

// SanitizeVersion keeps a version usable in a file name: safe characters
// only, at most maxNameVersion of them.
func SanitizeVersion(v string) string {
	v = unsafeVersionChars.ReplaceAllString(v, "_")
	if v == "" {
		return "unknown"
	}
	if len(v) > maxNameVersion {
		v = v[:maxNameVersion] // ASCII only after the replacement
	}
	return v
}

// FileName is backup_{type}_v{version}_{YYYY-MM-DD_HH-MM-SS}{ext}, in UTC,
// with _n appended for n > 1.
func FileName(typ, version string, at time.Time, comp archive.Compression, n int) string {
	base := fmt.Sprintf("backup_%s_v%s_%s", typ, SanitizeVersion(version), at.UTC().Format("2006-01-02_15-04-05"))
	if n > 1 {
		base += "_" + strconv.Itoa(n)
	}
	return base + comp.Ext()
}

// freeName returns the first name not taken by a file (final or partial) in
// dir nor by a catalog record.
func (m *Manager) freeName(ctx context.Context, dir, typ, version string, at time.Time, comp archive.Compression) (string, error) {
	for n := 1; n < 1000; n++ {
		name := FileName(typ, version, at, comp, n)
		if exists(filepath.Join(dir, name)) || exists(filepath.Join(dir, name+partialSuffix)) {
			continue
		}
		_, err := m.Store.BackupByName(ctx, name)
		if errors.Is(err, store.ErrNotFound) {
			return name, nil
		}
		if err != nil {
			return "", err
		}
	}
	return "", fmt.Errorf("no free backup name in %s", dir)
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only our own, always-marshalable types reach here
	}
	return b
}

func isNoSpace(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT)
}
