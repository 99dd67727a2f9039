package archive

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"runtime"

	"github.com/klauspost/compress/zstd"
	"github.com/klauspost/pgzip"
)

// Compression tuning. pgzip compresses blocks of gzipBlockSize on
// GOMAXPROCS goroutines; memory is about 3 × blocks × gzipBlockSize, flat in the
// data size. See the package benchmarks and .ci/bench for the measurements.
const (
	defaultGzipLevel = 1
	defaultZstdLevel = 1
	gzipBlockSize    = 1 << 20
)

// newEncoder returns the compressing writer for c at level (0 = default).
func newEncoder(w io.Writer, c Compression, level int) (io.WriteCloser, error) {
	switch c {
	case Gzip:
		if level == 0 {
			level = defaultGzipLevel
		}
		if level < pgzip.BestSpeed || level > pgzip.BestCompression {
			return nil, fmt.Errorf("invalid gzip level %d: want 1 to 9", level)
		}
		zw, err := pgzip.NewWriterLevel(w, level)
		if err != nil {
			return nil, err
		}
		if err := zw.SetConcurrency(gzipBlockSize, runtime.GOMAXPROCS(0)); err != nil {
			return nil, err
		}
		return zw, nil
	case Zstd:
		if level == 0 {
			level = defaultZstdLevel
		}
		if level < 1 || level > 22 {
			return nil, fmt.Errorf("invalid zstd level %d: want 1 to 22", level)
		}
		return newFrameWriter(w, zstd.EncoderLevelFromZstd(level))
	}
	return nil, fmt.Errorf("unknown compression %q", c)
}

// hashingWriter passes writes through to w and hashes and counts what w accepted.
type hashingWriter struct {
	w    io.Writer
	h    hash.Hash
	size int64
}

func newHashingWriter(w io.Writer) *hashingWriter {
	return &hashingWriter{w: w, h: sha256.New()}
}

func (hw *hashingWriter) Write(p []byte) (int, error) {
	n, err := hw.w.Write(p)
	hw.h.Write(p[:n])
	hw.size += int64(n)
	return n, err
}

func (hw *hashingWriter) sum() string { return hex.EncodeToString(hw.h.Sum(nil)) }
