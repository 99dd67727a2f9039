package archive

import (
	"context"
	"fmt"
	"io"
)

// exStreamSlack is what the stream may hold beyond entry contents before the
// manifest sets the real cap.
const exStreamSlack = 4 << 20

// exStream is the decompressed stream: it errors (instead of a silent EOF)
// once more than limit bytes have been read, and stops on cancellation.
type exStream struct {
	ctx   context.Context
	r     io.Reader
	n     int64
	limit int64
}

func (s *exStream) Read(p []byte) (int, error) {
	if err := s.ctx.Err(); err != nil {
		return 0, err
	}
	if s.n >= s.limit {
		return 0, exUnsafe("", fmt.Sprintf("decompressed stream exceeds %d bytes", s.limit))
	}
	if rest := s.limit - s.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := s.r.Read(p)
	s.n += int64(n)
	return n, err
}
