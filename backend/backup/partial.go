package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"rewind/backend/archive"
	"rewind/backend/diskspace"
	"rewind/backend/op"
	"rewind/backend/progress"
)

// writePartial is the backup's writing and written steps and the first half
// of checked: it writes the archive to the partial file through the spool,
// decoding and checking the stream beside the writer when asked, then syncs
// and closes the file. The caller compares the file on disk with the
// spool's checksums (checked's second half).
func (m *Manager) writePartial(ctx context.Context, o *op.Op[createFacts], root string, plan *archive.Plan, man archive.Manifest, comp archive.Compression, report progress.Report) (archive.WriteResult, *spool, error) {
	partial := o.Facts.Partial
	f, err := os.OpenFile(partial, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return archive.WriteResult{}, nil, fmt.Errorf("create %s: %w", filepath.Base(partial), err)
	}
	defer f.Close()
	sp := newSpool(f)
	if err := o.Step(ctx, "writing"); err != nil {
		return archive.WriteResult{}, nil, err
	}
	// A fault injected half-way stops the writer through its context.
	wctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	// checked, first half: the compressed stream is decoded to the end and
	// checked against its index while it is written, on the spare core,
	// instead of in a second pass over the file afterwards. What Write
	// already proves on the same bytes (files' hashes, the stream's hash) is
	// not redone; the second half re-hashes the file on disk after the fsync.
	var out io.Writer = sp
	var verified chan verifyOutcome
	var pw *io.PipeWriter
	if m.VerifyAfterWrite {
		var pr *io.PipeReader
		pr, pw = io.Pipe()
		verified = make(chan verifyOutcome, 1)
		go func() {
			vr, err := archive.VerifyWriting(wctx, pr, plan)
			pr.CloseWithError(errors.Join(err, errVerifyStopped)) // unblocks the writer if verify stopped early
			verified <- verifyOutcome{vr, err}
		}()
		out = io.MultiWriter(sp, pw)
	}
	wres, err := archive.Write(wctx, out, root, plan, man, archive.WriteOptions{
		Compression: comp,
		Report: func(p archive.Progress) {
			report(progress.Progress{Phase: progress.Archiving, BytesDone: p.BytesDone, BytesTotal: p.BytesTotal,
				FilesDone: p.FilesDone, FilesTotal: p.FilesTotal})
			if p.BytesTotal > 0 && p.BytesDone*2 >= p.BytesTotal {
				if err := o.Point("writing.mid"); err != nil {
					stop(err)
				}
			}
		},
	})
	if ctx.Err() == nil && wctx.Err() != nil {
		err = context.Cause(wctx) // the fault, not the cancellation it caused
	}
	if pw != nil {
		pw.CloseWithError(err) // nil: the verifier sees the end of the stream
		v := <-verified
		if err == nil && v.err != nil {
			return wres, nil, fmt.Errorf("verify written archive: %w", v.err)
		}
		if err == nil && v.res.Size != wres.Size {
			return wres, nil, fmt.Errorf("verify written archive: %w (wrote %d bytes, decoded %d)", ErrChecksum, wres.Size, v.res.Size)
		}
	}
	if err != nil {
		return wres, nil, writeError(partial, err)
	}
	if err := f.Sync(); err != nil {
		return wres, nil, writeError(partial, err) // a failed fsync means the file is garbage
	}
	if err := f.Close(); err != nil {
		return wres, nil, writeError(partial, err)
	}
	return wres, sp, nil
}

type verifyOutcome struct {
	res archive.VerifyResult
	err error
}

var errVerifyStopped = errors.New("verification stopped")

func writeError(path string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if isNoSpace(err) {
		return fmt.Errorf("%w in %s while writing the archive: free some space or move the storage directory: %v", diskspace.ErrNoSpace, filepath.Dir(path), err)
	}
	return fmt.Errorf("write archive: %w", err)
}
