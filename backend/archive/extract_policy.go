package archive

import (
	"archive/tar"
	"fmt"
	"path"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Limits of the extraction policy (docs/archive-format.md, "What readers refuse").
const (
	maxExtractPath      = 4096     // bytes in a path or link target
	maxExtractComponent = 255      // bytes in one path component
	maxExtractDepth     = 512      // components in a path
	maxExtractPAX       = 64 << 10 // bytes of PAX records on one entry
	maxExtractManifest  = 1 << 20  // bytes of .rewind/manifest.json
	maxExtractIndexLine = 64 << 10 // bytes of one .rewind/index.jsonl line
	// ustarMaxSize is the largest size the ustar header can hold; a PAX size
	// record is only legitimate above it.
	ustarMaxSize = 1<<33 - 1
)

// exKind is what an extracted path is.
type exKind uint8

const (
	exFile exKind = iota + 1
	exDir
	exSymlink
	exHardlink
)

func (k exKind) String() string {
	switch k {
	case exFile:
		return TypeFile
	case exDir:
		return TypeDir
	case exSymlink:
		return TypeSymlink
	case exHardlink:
		return TypeHardlink
	}
	return "unknown"
}

// exKindOf maps an allowed tar type flag to a kind. ok is false for every
// type the policy refuses (devices, FIFOs, sparse, continuation, unknown).
func exKindOf(flag byte) (exKind, bool) {
	switch flag {
	case tar.TypeReg:
		return exFile, true
	case tar.TypeDir:
		return exDir, true
	case tar.TypeSymlink:
		return exSymlink, true
	case tar.TypeLink:
		return exHardlink, true
	}
	return 0, false
}

// exTypeName names a tar type flag for error messages.
func exTypeName(flag byte) string {
	switch flag {
	case tar.TypeChar:
		return "character device"
	case tar.TypeBlock:
		return "block device"
	case tar.TypeFifo:
		return "fifo"
	case tar.TypeCont:
		return "contiguous file"
	case tar.TypeGNUSparse:
		return "gnu sparse file"
	}
	return "type " + strconv.Quote(string(rune(flag)))
}

// exCheckPAX refuses PAX records the policy does not accept: sparse maps, a
// size record that the ustar field could have held (the PAX/ustar size desync
// of CVE-2025-62518), and oversized record sets.
func exCheckPAX(hdr *tar.Header) string {
	total := 0
	for k, v := range hdr.PAXRecords {
		total += len(k) + len(v)
		if strings.HasPrefix(k, "GNU.sparse.") {
			return "sparse file"
		}
		if k == "size" && hdr.Size <= ustarMaxSize {
			return "pax size record for a size ustar can hold"
		}
	}
	if total > maxExtractPAX {
		return fmt.Sprintf("pax records of %d bytes exceed %d", total, maxExtractPAX)
	}
	return ""
}

// exNames are the name rules of the filesystem an archive is extracted to.
// On Linux a name is any byte string without NUL or slash: newlines, control
// characters, backslashes, drive-letter look-alikes and invalid UTF-8 are
// ordinary bytes that os.Root creates exactly, inside the root, and a
// backslash is no separator there (so `..\x` is one harmless name). Other
// systems (strict) refuse them as before: Windows treats a backslash and a
// drive letter as path syntax, and macOS and Windows filesystems refuse
// names that are not valid Unicode.
type exNames struct {
	strict bool // refuse control characters, invalid UTF-8, backslashes, drive letters
	fold   bool // the filesystem folds case or Unicode normalisation: refuse collisions
}

// exHostNames are the rules of this system for a filesystem that does not
// fold names.
var exHostNames = exNames{strict: runtime.GOOS != "linux"}

// clean validates an archive name and returns its canonical form: no
// "./" prefix, no trailing slash, no empty or "." components. The reason is
// empty when the name is acceptable. "." (the root itself) is returned as is.
func (r exNames) clean(name string) (string, string) {
	if reason := r.checkText(name); reason != "" {
		return "", reason
	}
	if strings.HasPrefix(name, "/") {
		return "", "absolute path"
	}
	for comp := range strings.SplitSeq(name, "/") {
		if comp == ".." {
			return "", "parent directory reference"
		}
	}
	clean := path.Clean(name)
	if clean == "." {
		return clean, ""
	}
	if !filepath.IsLocal(clean) {
		return "", "not a local path"
	}
	if r.strict && len(clean) >= 2 && clean[1] == ':' && isASCIILetter(clean[0]) {
		return "", "drive letter"
	}
	depth := 0
	for comp := range strings.SplitSeq(clean, "/") {
		depth++
		if len(comp) > maxExtractComponent {
			return "", fmt.Sprintf("path component longer than %d bytes", maxExtractComponent)
		}
	}
	if depth > maxExtractDepth {
		return "", fmt.Sprintf("path deeper than %d components", maxExtractDepth)
	}
	if clean == MetaDir || strings.HasPrefix(clean, MetaDir+"/") {
		return "", "reserved name"
	}
	return clean, ""
}

// checkLinkTarget validates a symlink target. Targets are created verbatim
// and never followed, so only text problems are refused.
func (r exNames) checkLinkTarget(target string) string {
	if target == "" {
		return "empty link target"
	}
	return r.checkText(target)
}

// checkText refuses empty and overlong text and NUL bytes, which no system
// can hold in a name; strict rules also refuse invalid UTF-8, control
// characters and backslashes.
func (r exNames) checkText(s string) string {
	switch {
	case s == "":
		return "empty name"
	case len(s) > maxExtractPath:
		return fmt.Sprintf("longer than %d bytes", maxExtractPath)
	case strings.IndexByte(s, 0) >= 0:
		return "nul character"
	case !r.strict:
		return ""
	case !utf8.ValidString(s):
		return "invalid utf-8"
	}
	for _, r := range s {
		if r == '\\' {
			return "backslash"
		}
		if unicode.IsControl(r) {
			return "control character"
		}
	}
	return ""
}

func isASCIILetter(b byte) bool {
	return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')
}

// exFolder computes collision keys: two paths with the same key differ only by
// case folding or Unicode normalisation. Not safe for concurrent use.
type exFolder struct {
	fold cases.Caser
}

func newExFolder() *exFolder {
	return &exFolder{fold: cases.Fold()}
}

// key returns the canonical caseless form NFD(fold(NFD(p))).
func (f *exFolder) key(p string) string {
	ascii := true
	for i := 0; i < len(p); i++ {
		if p[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(p)
	}
	return norm.NFD.String(f.fold.String(norm.NFD.String(p)))
}
