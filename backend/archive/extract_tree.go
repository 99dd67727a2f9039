package archive

import (
	"os"
	"strings"
)

// exNode is what the extractor knows about one path it has seen.
type exNode struct {
	kind     exKind
	implicit bool // a directory created only as some entry's parent
	onDisk   bool // created in the staging tree (false: filtered out)
	indexed  bool // matched by an index line
	hashed   bool // sum holds the content hash of what was written
	mode     uint32
	size     int64
	link     string // symlink target verbatim, or hard link's canonical target
	sum      [32]byte
}

// exTree tracks every path of the archive so that policy is decided from the
// archive's own contents, never from what the filesystem says: duplicates,
// parents that are not directories and, on a filesystem that folds names,
// case/NFC collisions.
type exTree struct {
	nodes  map[string]*exNode
	keys   map[string]string // collision key → path; nil when names do not fold
	folder *exFolder         // nil when names do not fold: a path is its own key
	count  int               // entries (explicit nodes)
}

func newExTree(fold bool) *exTree {
	t := &exTree{nodes: make(map[string]*exNode)}
	if fold {
		t.folder = newExFolder()
		t.keys = map[string]string{".": "."}
	}
	t.nodes["."] = &exNode{kind: exDir, implicit: true, onDisk: true}
	return t
}

// admit checks that p may be added as an entry of kind k and returns the
// reason when it may not, and p's collision key. It returns the existing
// implicit directory node when an explicit directory entry follows its
// children.
func (t *exTree) admit(p string, k exKind) (*exNode, string, string) {
	key := p
	if t.folder != nil {
		key = t.folder.key(p)
	}
	if n, ok := t.nodes[p]; ok {
		if k == exDir && n.kind == exDir && n.implicit {
			return n, key, ""
		}
		return nil, key, "duplicate entry"
	}
	if other, ok := t.keys[key]; ok {
		return nil, key, "collides with " + other + exFolds
	}
	return nil, key, t.checkParents(p, key)
}

// exFolds ends the reason of a collision, which only a filesystem that folds
// names has.
const exFolds = " on a filesystem that folds case or unicode normalisation"

// exUnsafeName is the refusal of entry name for reason, matching
// ErrNamesFold as well when names collide.
func exUnsafeName(name, reason string) error {
	e := &UnsafeEntryError{Path: name, Reason: reason}
	if strings.HasSuffix(reason, exFolds) {
		e.Err = ErrNamesFold
	}
	return e
}

// checkParents walks p's ancestors up to the nearest known directory. Each
// known ancestor must be a directory this archive created (never a symlink or
// a file); unknown ancestors must not collide with known paths. An
// ancestor's key is the matching prefix of p's key: folding and NFD work rune
// by rune and never produce or reorder across a slash.
func (t *exTree) checkParents(p, key string) string {
	for d, dk := exDirOf(p), exDirOf(key); d != "."; d, dk = exDirOf(d), exDirOf(dk) {
		n, ok := t.nodes[d]
		if !ok {
			if other, ok := t.keys[dk]; ok {
				return "parent " + d + " collides with " + other + exFolds
			}
			continue
		}
		switch n.kind {
		case exDir:
			return ""
		case exSymlink:
			return "parent " + d + " is a symlink"
		default:
			return "parent " + d + " is not a directory"
		}
	}
	return ""
}

// add records p with its collision key. Missing ancestors are recorded as
// implicit directories.
func (t *exTree) add(p, key string, n *exNode) {
	t.count++
	t.nodes[p] = n
	if t.keys != nil {
		t.keys[key] = p
	}
	for d, dk := exDirOf(p), exDirOf(key); d != "."; d, dk = exDirOf(d), exDirOf(dk) {
		if _, ok := t.nodes[d]; ok {
			return
		}
		t.nodes[d] = &exNode{kind: exDir, implicit: true}
		if t.keys != nil {
			t.keys[dk] = d
		}
	}
}

// exDirOf is the parent of a canonical path, "." at the top.
func exDirOf(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return "."
}

// ensureParents creates p's ancestors that are not on disk yet, top-down,
// through root. Only directories recorded in the tree are created.
func (t *exTree) ensureParents(root *os.Root, p string) error {
	var missing []string
	for d := exDirOf(p); d != "."; d = exDirOf(d) {
		n := t.nodes[d]
		if n.onDisk {
			break
		}
		missing = append(missing, d)
	}
	for i := len(missing) - 1; i >= 0; i-- {
		d := missing[i]
		if err := root.Mkdir(d, 0o755); err != nil {
			return err
		}
		t.nodes[d].onDisk = true
	}
	return nil
}
