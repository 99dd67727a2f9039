package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
)

// exPoolMaxFile is the largest file handed to the writer pool; larger files
// are streamed by the extractor itself, so memory stays bounded.
const exPoolMaxFile = 1 << 20

// exPool writes small regular files on worker goroutines while the
// extractor goes on decoding and validating. Every policy decision stays
// with the extractor: the pool only creates files at paths it was given,
// whose parents already exist. Each worker has its own exWriter.
type exPool struct {
	ctx     context.Context
	cancel  context.CancelFunc
	jobs    chan exJob
	free    chan []byte // buffers to reuse
	bufs    int         // buffers allocated so far
	maxBufs int
	workers sync.WaitGroup
	pending sync.WaitGroup

	mu  sync.Mutex
	err error
}

type exJob struct {
	path string
	buf  []byte // data is buf[:size]
	size int
	meta exMeta
	node *exNode
}

func newExPool(ctx context.Context, root *os.Root, chown, sync bool, workers int) (*exPool, error) {
	ctx, cancel := context.WithCancel(ctx)
	p := &exPool{
		ctx:     ctx,
		cancel:  cancel,
		maxBufs: 4*workers + 4,
	}
	p.jobs = make(chan exJob, p.maxBufs)
	p.free = make(chan []byte, p.maxBufs)
	for range workers {
		w, err := newExWriter(root, chown, sync)
		if err != nil {
			p.close()
			return nil, err
		}
		p.workers.Add(1)
		go p.run(w)
	}
	return p, nil
}

func (p *exPool) run(w *exWriter) {
	defer p.workers.Done()
	defer w.close()
	for j := range p.jobs {
		if p.ctx.Err() == nil {
			sum, err := w.fileData(j.path, j.buf[:j.size], j.meta)
			if err != nil {
				p.fail(fmt.Errorf("extract %s: %w", j.path, err))
			} else {
				j.node.sum, j.node.hashed = sum, true
			}
		}
		p.free <- j.buf
		p.pending.Done()
	}
}

// fail records the first error and stops the remaining jobs.
func (p *exPool) fail(err error) {
	p.mu.Lock()
	if p.err == nil {
		p.err = err
	}
	p.mu.Unlock()
	p.cancel()
}

func (p *exPool) failed() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// buffer returns a buffer of exPoolMaxFile bytes, waiting for one to be
// released once maxBufs are in use.
func (p *exPool) buffer() ([]byte, error) {
	select {
	case b := <-p.free:
		return b, nil
	default:
	}
	if p.bufs < p.maxBufs {
		p.bufs++
		return make([]byte, exPoolMaxFile), nil
	}
	select {
	case b := <-p.free:
		return b, nil
	case <-p.ctx.Done():
		if err := p.failed(); err != nil {
			return nil, err
		}
		return nil, p.ctx.Err()
	}
}

// submit queues a job; it reports an earlier job's failure.
func (p *exPool) submit(j exJob) error {
	if err := p.failed(); err != nil {
		p.free <- j.buf
		return err
	}
	p.pending.Add(1)
	p.jobs <- j
	return nil
}

// wait blocks until every queued job is done: after it, the nodes of written
// files hold their hashes. Jobs skipped after a cancellation leave their
// nodes unhashed, so wait reports the cancellation too.
func (p *exPool) wait() error {
	p.pending.Wait()
	if err := p.failed(); err != nil {
		return err
	}
	return p.ctx.Err()
}

// close stops the workers and waits for them, so that nothing writes into
// the staging tree after Extract returns.
func (p *exPool) close() {
	p.cancel()
	close(p.jobs)
	p.workers.Wait()
}

// queueFile reads a small file's content and hands it to the writer pool.
func (x *extractor) queueFile(p string, size int64, m exMeta, n *exNode) error {
	buf, err := x.pool.buffer()
	if err != nil {
		return err
	}
	if _, err := io.ReadFull(x.tr, buf[:size]); err != nil {
		x.pool.free <- buf
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return exReadErr(err)
	}
	x.prog.bytes(size)
	return x.pool.submit(exJob{path: p, buf: buf, size: int(size), meta: m, node: n})
}

// drain waits for the writer pool's queued files.
func (x *extractor) drain() error {
	if x.pool == nil {
		return nil
	}
	return x.pool.wait()
}
