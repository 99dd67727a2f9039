package backup

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"rewind/backend/diskspace"
	"rewind/backend/op"
	"syscall"

	"rewind/backend/crashpoint"
	"rewind/backend/deployment"
	"rewind/backend/durable"
	"rewind/backend/progress"
	"rewind/backend/realpath"
	"rewind/backend/store"
)

// MoveResult summarises a storage move.
type MoveResult struct {
	From  string `json:"from"`
	To    string `json:"to"`
	Moved int    `json:"moved"`
	Bytes int64  `json:"bytes"`
}

// MoveStorage moves every archive of the deployment to dir (rename within a
// file system; copy, fsync, hash check and delete across file systems) and
// updates the catalog. The free space at dir is checked first. Each archive
// is published at the destination before the catalog points at it and
// before the source is removed, so every archive stays findable whatever
// happens, and an interrupted move can simply be run again. A move that
// stops part way returns a *MoveStoppedError saying where each archive is;
// the storage directory then stays the old one, where new backups have room.
func (m *Manager) MoveStorage(ctx context.Context, dep deployment.Deployment, dir string, report progress.Report) (MoveResult, error) {
	report = progress.Or(report)
	dir, err := m.checkDestination(ctx, dep, dir)
	if err != nil {
		return MoveResult{From: dep.StorageDir}, err
	}
	res := MoveResult{From: dep.StorageDir, To: dir}
	ctx, release, err := op.Lock(ctx, dep, "storage move")
	if err != nil {
		return res, err
	}
	defer release()
	created := !exists(dir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return res, fmt.Errorf("create %s: %w", dir, err)
	}
	bs, err := m.Store.ListBackups(ctx, dep.ID)
	if err != nil {
		return res, err
	}
	var todo []store.Backup
	var total int64
	for _, b := range bs {
		dst := filepath.Join(dir, filepath.Base(b.Path))
		if b.Status == StatusInProgress || dst == b.Path || realpath.Same(dst, b.Path) {
			continue // already there (perhaps under another name): removing "the source" would remove it
		}
		todo = append(todo, b)
		total += b.Size
	}
	if err := checkMoveSpace(dir, todo); err != nil && !crashpoint.Skip("storage.move.space") {
		if created {
			os.Remove(dir)
		}
		return res, err
	}
	for _, b := range todo {
		if err := ctx.Err(); err != nil {
			return res, m.moveStopped(ctx, dep, b, err)
		}
		dst := filepath.Join(dir, filepath.Base(b.Path))
		report(progress.Progress{Phase: progress.Moving, BytesDone: res.Bytes, BytesTotal: total,
			FilesDone: int64(res.Moved), FilesTotal: int64(len(todo)), Message: b.Name})
		moved, err := moveFile(ctx, b.Path, dst, b.SHA256)
		if err != nil {
			return res, m.moveStopped(ctx, dep, b, err)
		}
		if !moved {
			continue // neither source nor destination exists: the record stays "missing"
		}
		if err := m.Store.SetBackupPath(ctx, b.ID, dst); err != nil {
			return res, m.moveStopped(ctx, dep, b, err)
		}
		if err := removeIfExists(b.Path); err != nil {
			return res, m.moveStopped(ctx, dep, b, fmt.Errorf("moved, but the old copy %s could not be removed: %w", b.Path, err))
		}
		res.Moved++
		res.Bytes += b.Size
	}
	dep.StorageDir = dir
	if err := m.Store.UpdateDeployment(ctx, dep); err != nil {
		return res, err
	}
	report(progress.Progress{Phase: progress.Done, BytesDone: res.Bytes, BytesTotal: total})
	return res, nil
}

// moveFile makes dst a verified copy of src. It reports false when neither exists.
func moveFile(ctx context.Context, src, dst, wantHash string) (bool, error) {
	srcOK, dstOK := exists(src), exists(dst)
	switch {
	case !srcOK && !dstOK:
		return false, nil
	case !srcOK && dstOK:
		return true, checkHash(dst, wantHash) // re-run after the source was removed
	case srcOK && dstOK:
		if err := checkHash(dst, wantHash); err != nil {
			return false, fmt.Errorf("%s already exists and differs: %w", dst, err)
		}
		return true, nil
	}
	if err := os.Rename(src, dst); err == nil {
		return true, durable.SyncDir(filepath.Dir(dst))
	} else if !errors.Is(err, syscall.EXDEV) {
		return false, err
	}
	partial := dst + partialSuffix
	if err := copyData(ctx, src, partial); err != nil {
		os.Remove(partial)
		if isNoSpace(err) {
			return false, fmt.Errorf("%w in %s while copying %s there (%v)", diskspace.ErrNoSpace, filepath.Dir(dst), filepath.Base(src), err)
		}
		return false, fmt.Errorf("copy %s to %s: %w", filepath.Base(src), filepath.Dir(dst), err)
	}
	if err := checkHash(partial, wantHash); err != nil {
		os.Remove(partial)
		return false, err
	}
	return true, durable.Rename(partial, dst)
}

// copyFile copies src to dst durably, for an archive being written into the
// storage directory.
func copyFile(ctx context.Context, src, dst string) error {
	if err := copyData(ctx, src, dst); err != nil {
		return writeError(dst, err)
	}
	return nil
}

func copyData(ctx context.Context, src, dst string) error {
	in, err := durable.OpenRegular(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	defer out.Close()
	if _, err := io.Copy(out, ctxReader{ctx, in}); err != nil {
		return err
	}
	if err := out.Sync(); err != nil {
		return err
	}
	return out.Close()
}

func fileHash(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func checkHash(path, want string) error {
	if want == "" {
		return nil
	}
	got, err := fileHash(path)
	if err != nil {
		return err
	}
	if got != want {
		return fmt.Errorf("%w: %s", ErrChecksum, path)
	}
	return nil
}

func removeIfExists(p string) error {
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return durable.SyncDir(filepath.Dir(p))
}

// ctxReader stops a long read when the context is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
