package archive

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
	"github.com/klauspost/pgzip"
)

// ErrNotArchive means the stream is neither gzip nor zstd.
var ErrNotArchive = errors.New("not a gzip or zstd stream")

var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// Decoder limits for zstd: a hostile frame cannot make us allocate more.
const (
	zstdMaxWindow = 128 << 20
	zstdMaxMemory = 256 << 20
)

// Decompress sniffs the stream's magic bytes and returns a decompressing reader.
// Decompression always happens in process; no external program is run.
func Decompress(r io.Reader) (io.ReadCloser, Compression, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	magic, err := br.Peek(4)
	if err != nil && !(errors.Is(err, io.EOF) && len(magic) >= 2) {
		return nil, "", fmt.Errorf("%w: %v", ErrNotArchive, err)
	}
	switch {
	case bytes.HasPrefix(magic, gzipMagic):
		zr, err := pgzip.NewReader(br)
		if err != nil {
			return nil, "", fmt.Errorf("%w: %v", ErrNotArchive, err)
		}
		return zr, Gzip, nil
	case bytes.HasPrefix(magic, zstdMagic):
		zr, err := zstd.NewReader(br,
			zstd.WithDecoderMaxWindow(zstdMaxWindow),
			zstd.WithDecoderMaxMemory(zstdMaxMemory),
			zstd.WithDecoderConcurrency(2))
		if err != nil {
			return nil, "", fmt.Errorf("%w: %v", ErrNotArchive, err)
		}
		return zr.IOReadCloser(), Zstd, nil
	}
	return nil, "", ErrNotArchive
}
