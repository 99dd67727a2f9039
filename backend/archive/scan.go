package archive

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// Skipped is a directory entry that Scan leaves out of the archive, with the
// reason, so that the caller can warn about it.
type Skipped struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// Plan is the result of a pre-scan: what Write will archive, in order.
type Plan struct {
	// Entries in archive order: a directory before its contents, names in
	// byte order within each directory. SHA256 is empty until Write fills it.
	Entries  []Entry
	Totals   Totals
	Skipped  []Skipped
	Excludes []string // normalised excludes, .rewind included
	// Sparse lists the files with holes (as many as fit maxSparseNames
	// bytes of names), for the manifest.
	Sparse []SparseFile
	// The root directory's own attributes (the root is not an entry).
	RootMode uint32
	RootUID  int
	RootGID  int

	ids []fileID // parallel to Entries for regular files; zero when unknown
}

// Scan walks root with Lstat, never following symlinks below it, and returns
// the ordered plan of what to archive. excludes are slash paths relative to
// root, each excluding the paths it matches and everything below them (glob
// patterns: exclude.go); .rewind at the root
// is always excluded. Sockets, devices and FIFOs are listed in Plan.Skipped.
// An unreadable directory or file fails the scan with an error naming it.
func Scan(ctx context.Context, root string, excludes []string) (*Plan, error) {
	ex, err := normaliseExcludes(excludes)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(root)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%s: not a directory", root)
	}
	p := &Plan{Excludes: ex, RootMode: modeBits(fi.Mode())}
	p.RootUID, p.RootGID, _, _, _ = ownerOf(fi)
	s := &scanner{ctx: ctx, root: root, plan: p, firstPath: map[fileID]string{}, excludes: splitPatterns(ex)}
	if err := s.dir("."); err != nil {
		return nil, err
	}
	p.Totals.Entries = int64(len(p.Entries))
	return p, nil
}

// HoleBytes is the total of the sparse files' holes: bytes that are
// archived as zeros and restored without taking space.
func (p *Plan) HoleBytes() int64 { return holeTotal(p.Sparse) }

// idOf is the inode identity Scan saw for entry i, or zero when unknown
// (for a Plan not made by Scan, or whose Entries were changed).
func (p *Plan) idOf(i int) fileID {
	if len(p.ids) == len(p.Entries) {
		return p.ids[i]
	}
	return fileID{}
}

// normaliseExcludes cleans the excludes and adds .rewind.
func normaliseExcludes(excludes []string) ([]string, error) {
	out := []string{MetaDir}
	for _, e := range excludes {
		if err := CheckPattern(e); err != nil {
			return nil, err
		}
		c := path.Clean(strings.TrimSuffix(e, "/"))
		if c != MetaDir {
			out = append(out, c)
		}
	}
	return out, nil
}

type scanner struct {
	ctx         context.Context
	root        string
	plan        *Plan
	firstPath   map[fileID]string // hard-linked inodes seen, by first path
	excludes    [][]string        // plan.Excludes, split (exclude.go)
	sparseNames int               // bytes of names in plan.Sparse
}

// dir appends the entries below the directory rel (already appended itself).
func (s *scanner) dir(rel string) error {
	if err := s.ctx.Err(); err != nil {
		return err
	}
	des, err := os.ReadDir(filepath.Join(s.root, filepath.FromSlash(rel)))
	if err != nil {
		return relPathError(err, rel)
	}
	for _, de := range des {
		child := de.Name()
		if rel != "." {
			child = rel + "/" + child
		}
		// Its ancestors matched no exclude, or it would not be reached.
		if matchAny(s.excludes, strings.Split(child, "/")) {
			continue
		}
		isDir, err := s.entry(child, de)
		if err != nil {
			return err
		}
		if isDir {
			if err := s.dir(child); err != nil {
				return err
			}
		}
	}
	return nil
}

// entry appends one entry and reports whether it is a directory to descend into.
func (s *scanner) entry(rel string, de fs.DirEntry) (bool, error) {
	fi, err := de.Info() // Lstat
	if err != nil {
		return false, relPathError(err, rel)
	}
	abs := filepath.Join(s.root, filepath.FromSlash(rel))
	e := Entry{Path: rel, Mode: modeBits(fi.Mode()), MTime: fi.ModTime().UTC()}
	var id fileID
	var nlink uint64
	e.UID, e.GID, id, nlink, _ = ownerOf(fi)
	switch m := fi.Mode(); {
	case m.IsDir():
		e.Type = TypeDir
	case m.IsRegular():
		if err := checkReadable(abs); err != nil {
			return false, &fs.PathError{Op: "open", Path: rel, Err: err}
		}
		if first, seen := s.firstPath[id]; seen && nlink > 1 {
			e.Type, e.Link = TypeHardlink, first
			break
		}
		if nlink > 1 {
			s.firstPath[id] = rel
		}
		e.Type, e.Size = TypeFile, fi.Size()
		if mayHaveHoles(fi) {
			s.sparse(abs, rel, e.Size)
		}
		s.plan.Totals.Files++
		s.plan.Totals.Bytes += e.Size
	case m&fs.ModeSymlink != 0:
		target, err := os.Readlink(abs)
		if err != nil {
			return false, relPathError(err, rel)
		}
		e.Type, e.Link = TypeSymlink, filepath.ToSlash(target)
	default:
		s.plan.Skipped = append(s.plan.Skipped, Skipped{Path: rel, Reason: skipReason(m)})
		return false, nil
	}
	s.plan.Entries = append(s.plan.Entries, e)
	if e.Type == TypeFile {
		s.plan.ids = append(s.plan.ids, id)
	} else {
		s.plan.ids = append(s.plan.ids, fileID{})
	}
	return e.Type == TypeDir, nil
}

// maxSparseNames caps the bytes of names in Plan.Sparse, which travels in
// the manifest (read whole, at most 1 MiB). A sparse file past the cap is
// still archived, and restored without holes.
const maxSparseNames = 256 << 10

// sparse records the file at abs in the plan's sparse files if it has holes.
func (s *scanner) sparse(abs, rel string, size int64) {
	if s.sparseNames+len(rel) > maxSparseNames {
		return
	}
	if holes := holeBytes(abs, size); holes > 0 {
		s.plan.Sparse = append(s.plan.Sparse, SparseFile{Path: rel, Holes: holes})
		s.sparseNames += len(rel)
	}
}

func skipReason(m fs.FileMode) string {
	switch {
	case m&fs.ModeSocket != 0:
		return "socket: not archived"
	case m&fs.ModeNamedPipe != 0:
		return "named pipe: not archived"
	case m&fs.ModeDevice != 0:
		return "device: not archived"
	}
	return "unsupported file type: not archived"
}

// modeBits converts Go's mode to the Unix permission, setuid, setgid and sticky bits.
func modeBits(m fs.FileMode) uint32 {
	b := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		b |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		b |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		b |= 0o1000
	}
	return b
}

// relPathError restates an *fs.PathError with the path relative to the root.
func relPathError(err error, rel string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: pe.Op, Path: rel, Err: pe.Err}
	}
	return fmt.Errorf("%s: %w", rel, err)
}
