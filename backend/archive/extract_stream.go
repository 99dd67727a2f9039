package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
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

// exOpenStaging opens dir as a Root after checking that it is an empty
// directory, so that nothing from an earlier archive can be in the way.
func exOpenStaging(dir string) (*os.Root, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("open staging: %w", err)
	}
	f, err := root.Open(".")
	if err == nil {
		var names []string
		names, err = f.Readdirnames(1)
		_ = f.Close()
		if err == nil && len(names) > 0 {
			err = ErrStagingNotEmpty
		} else if errors.Is(err, io.EOF) {
			err = nil
		}
	}
	if err != nil {
		_ = root.Close()
		return nil, fmt.Errorf("staging %s: %w", dir, err)
	}
	return root, nil
}
