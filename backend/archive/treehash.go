package archive

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
)

// TreeHash is the hex SHA-256 over entries in byte order of their paths, each
// contributing (path, type, mode&07777, uid, gid, size, sha256 or link target).
// Fields are NUL-terminated (no path or link target holds a NUL), so the
// encoding is unambiguous. Modification times are not part of it.
func TreeHash(entries []Entry) string {
	sorted := slices.Clone(entries)
	slices.SortFunc(sorted, func(a, b Entry) int { return bytes.Compare([]byte(a.Path), []byte(b.Path)) })
	h := sha256.New()
	var b []byte
	for _, e := range sorted {
		b = b[:0]
		b = append(append(b, e.Path...), 0)
		b = append(append(b, e.Type...), 0)
		b = append(strconv.AppendUint(b, uint64(e.Mode&0o7777), 8), 0)
		b = append(strconv.AppendInt(b, int64(e.UID), 10), 0)
		b = append(strconv.AppendInt(b, int64(e.GID), 10), 0)
		b = append(strconv.AppendInt(b, e.Size, 10), 0)
		switch e.Type {
		case TypeSymlink, TypeHardlink:
			b = append(b, e.Link...)
		default:
			b = append(b, e.SHA256...)
		}
		h.Write(append(b, 0))
	}
	return hex.EncodeToString(h.Sum(nil))
}
