package archive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"sync"
)

// hashTree scans dir as Scan does (Lstat, .rewind and excludes left out),
// hashes every regular file and returns TreeHash of the result with the
// entries: the tests of this package prove with it that a tree equals an
// archive (other packages use archivetest.HashTree).
// Sockets, devices and FIFOs are not part of the hash, as they are not archived.
func hashTree(ctx context.Context, dir string, excludes []string) (string, []Entry, error) {
	plan, err := Scan(ctx, dir, excludes)
	if err != nil {
		return "", nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan int)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
		cancel()
	}
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			top, err := os.OpenRoot(dir)
			if err != nil {
				fail(err)
				return
			}
			src := &sourceOpener{top: top, dir: "."}
			defer src.close()
			buf := make([]byte, copyBufSize)
			for i := range work {
				if err := hashPlanFile(src, plan, i, buf); err != nil {
					fail(err)
				}
			}
		})
	}
feed:
	for i, e := range plan.Entries {
		if e.Type != TypeFile {
			continue
		}
		select {
		case work <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if firstErr != nil {
		return "", nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return "", nil, err
	}
	return TreeHash(plan.Entries), plan.Entries, nil
}

// hashPlanFile sets the SHA256 of plan.Entries[i] from the file's content.
func hashPlanFile(src *sourceOpener, plan *Plan, i int, buf []byte) error {
	e := &plan.Entries[i]
	f, err := src.open(e.Path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("%s: %w: vanished after the scan", e.Path, ErrChanged)
		}
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return relPathError(err, e.Path)
	}
	if err := sameFile(e, plan.idOf(i), fi); err != nil {
		return err
	}
	h := sha256.New()
	n, err := io.CopyBuffer(h, io.LimitReader(f, e.Size), buf)
	if err != nil {
		return relPathError(err, e.Path)
	}
	if n != e.Size {
		return fmt.Errorf("%s: %w: shrank to %d bytes while being read, scanned %d", e.Path, ErrChanged, n, e.Size)
	}
	e.SHA256 = hex.EncodeToString(h.Sum(nil))
	return nil
}
