package archive

import (
	"bytes"
	"os"
)

// holeBlock is the unit of holes: an all-zero block of this size, at an
// offset that is a multiple of it, is a hole rather than data.
const holeBlock = 4096

var zeroBlock [holeBlock]byte

// holeWriter writes a file's content from offset 0 and leaves every
// aligned all-zero block as a hole, skipping it instead of writing it. Data
// blocks cost one compare each, which stops at their first non-zero byte.
// The caller truncates the file to its size at the end, for a final hole.
type holeWriter struct {
	f   *os.File
	off int64
}

func (w *holeWriter) Write(p []byte) (int, error) {
	total := len(p)
	for len(p) > 0 {
		run := 0 // bytes before the next aligned zero block
		for run < len(p) {
			n := min(holeBlock-int((w.off+int64(run))%holeBlock), len(p)-run)
			if n == holeBlock && bytes.Equal(p[run:run+n], zeroBlock[:]) {
				break
			}
			run += n
		}
		if run == 0 {
			w.off += holeBlock
			p = p[holeBlock:]
			continue
		}
		if _, err := w.f.WriteAt(p[:run], w.off); err != nil {
			return total - len(p), err
		}
		w.off += int64(run)
		p = p[run:]
	}
	return total, nil
}
