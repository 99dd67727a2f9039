package backup

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"os"

	"rewind/backend/durable"
)

// spool writes the partial archive. It starts the kernel's writeback every
// writebackWindow bytes, so that the fsync before written waits only for the tail,
// and keeps a 64-bit keyed checksum (hash/maphash, seeded per backup) of
// every chunkSize bytes written, against which checked compares the file on disk.
//
// The archive's SHA-256 is computed once, on the stream as it is written;
// re-reading the file only has to show that the disk holds exactly those
// bytes, which a per-chunk comparison proves as well as a second SHA-256
// pass, at several times its speed.
type spool struct {
	f       *os.File
	size    int64 // bytes written
	flushed int64 // bytes handed to writeback
	seed    maphash.Seed
	h       maphash.Hash
	inChunk int64    // bytes of the current chunk hashed so far
	sums    []uint64 // checksums of the complete chunks
}

const (
	chunkSize       = 4 << 20
	writebackWindow = 8 << 20
)

func newSpool(f *os.File) *spool {
	s := &spool{f: f, seed: maphash.MakeSeed()}
	s.h.SetSeed(s.seed)
	return s
}

func (s *spool) Write(p []byte) (int, error) {
	n, err := s.f.Write(p)
	for b := p[:n]; len(b) > 0; {
		k := min(int64(len(b)), chunkSize-s.inChunk)
		s.h.Write(b[:k])
		b, s.inChunk = b[k:], s.inChunk+k
		if s.inChunk == chunkSize {
			s.sums = append(s.sums, s.h.Sum64())
			s.h.Reset()
			s.inChunk = 0
		}
	}
	s.size += int64(n)
	if s.size-s.flushed >= writebackWindow {
		durable.StartWriteback(s.f, s.flushed, s.size-s.flushed)
		s.flushed = s.size
	}
	return n, err
}

// check reads path back and compares it with what was written: the same
// length and the same checksum for every chunk.
func (s *spool) check(ctx context.Context, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("re-read archive: %w", err)
	}
	defer f.Close()
	buf := make([]byte, chunkSize)
	var h maphash.Hash
	h.SetSeed(s.seed)
	var off int64
	for i := 0; off < s.size; i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := min(chunkSize, s.size-off)
		if _, err := io.ReadFull(f, buf[:n]); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return fmt.Errorf("re-read archive: %w (wrote %d bytes, the file is shorter)", ErrChecksum, s.size)
			}
			return fmt.Errorf("re-read archive: %w", err)
		}
		h.Reset()
		h.Write(buf[:n])
		var want uint64
		if i < len(s.sums) {
			want = s.sums[i]
		} else {
			want = s.h.Sum64() // the last, partial chunk
		}
		if h.Sum64() != want {
			return fmt.Errorf("re-read archive: %w (bytes %d to %d differ from what was written)", ErrChecksum, off, off+n)
		}
		off += n
	}
	if n, _ := f.Read(buf[:1]); n > 0 {
		return fmt.Errorf("re-read archive: %w (wrote %d bytes, the file is longer)", ErrChecksum, s.size)
	}
	return nil
}
