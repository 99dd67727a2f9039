package archive

import (
	"fmt"
	"io"
	"runtime"

	"github.com/klauspost/compress/zstd"
)

// zstdFrameSize is the input of one independent zstd frame. Frames are
// compressed on all cores at once; each in flight holds its input, its
// output and an encoder history of about twice its size. At the fastest
// level the match window is far smaller than a frame, so 1 MiB frames
// compress as well as 4 MiB ones (measured on the bench corpus: 0.003%
// apart) at a quarter of the memory, which a fresh process pays for in
// page faults.
const zstdFrameSize = 1 << 20

// frameWriter compresses what it is given as a sequence of independent zstd
// frames of zstdFrameSize input bytes, compressing up to GOMAXPROCS frames
// at once and writing them to w in order. Concatenated frames are one valid
// zstd stream (RFC 8878 §3.1): the zstd CLI, GNU tar --zstd and Rewind's
// reader decode it as a whole. A streaming zstd encoder keeps one core busy
// at most; independent frames keep them all busy (docs/archive-format.md, "Compression").
type frameWriter struct {
	w       io.Writer
	enc     *zstd.Encoder // EncodeAll is safe for concurrent use
	cur     []byte        // input of the next frame
	pending []*zframe     // frames being compressed, oldest first
	max     int           // frames in flight
	bufCap  int           // room for a frame's input or its output
	free    [][]byte      // buffers to reuse
	started bool          // a frame was started
	err     error         // sticky: the first write error
}

type zframe struct {
	src, dst []byte
	done     chan struct{}
}

func newFrameWriter(w io.Writer, level zstd.EncoderLevel) (*frameWriter, error) {
	n := runtime.GOMAXPROCS(0)
	enc, err := zstd.NewWriter(nil,
		zstd.WithEncoderLevel(level),
		zstd.WithEncoderConcurrency(n),
		zstd.WithEncoderCRC(true),
		zstd.WithZeroFrames(true))
	if err != nil {
		return nil, err
	}
	// Incompressible input comes out a little larger than it went in.
	fw := &frameWriter{w: w, enc: enc, max: n, bufCap: enc.MaxEncodedSize(zstdFrameSize)}
	fw.cur = fw.buffer()
	return fw, nil
}

func (fw *frameWriter) buffer() []byte {
	if k := len(fw.free); k > 0 {
		b := fw.free[k-1]
		fw.free = fw.free[:k-1]
		return b[:0]
	}
	return make([]byte, 0, fw.bufCap)
}

func (fw *frameWriter) Write(p []byte) (int, error) {
	if fw.err != nil {
		return 0, fw.err
	}
	n := 0
	for len(p) > 0 {
		k := copy(fw.cur[len(fw.cur):zstdFrameSize], p)
		fw.cur = fw.cur[:len(fw.cur)+k]
		p, n = p[k:], n+k
		if len(fw.cur) == zstdFrameSize {
			if err := fw.startFrame(); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}

// startFrame hands the current input to a compressing goroutine, first
// writing out the oldest frames while too many are in flight.
func (fw *frameWriter) startFrame() error {
	for len(fw.pending) >= fw.max {
		if err := fw.writeOldest(); err != nil {
			return err
		}
	}
	f := &zframe{src: fw.cur, dst: fw.buffer(), done: make(chan struct{})}
	fw.cur = fw.buffer()
	fw.started = true
	go func() {
		defer close(f.done)
		f.dst = fw.enc.EncodeAll(f.src, f.dst)
	}()
	fw.pending = append(fw.pending, f)
	return nil
}

func (fw *frameWriter) writeOldest() error {
	f := fw.pending[0]
	fw.pending = fw.pending[1:]
	<-f.done
	if fw.err == nil {
		if _, err := fw.w.Write(f.dst); err != nil {
			fw.err = err
		}
	}
	fw.free = append(fw.free, f.src, f.dst)
	return fw.err
}

// Close compresses what is left and writes every frame. It always waits for
// the compressing goroutines, also after an error.
func (fw *frameWriter) Close() error {
	if fw.err == nil && (len(fw.cur) > 0 || !fw.started) {
		fw.startFrame() // an empty stream still gets one (empty) frame
	}
	for len(fw.pending) > 0 {
		fw.writeOldest()
	}
	fw.enc.Close()
	if fw.err != nil {
		return fmt.Errorf("zstd: %w", fw.err)
	}
	fw.err = io.ErrClosedPipe // no writes after Close
	return nil
}
