package archive

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"
)

// Read-ahead of a HashingReader: chunks of hashChunk bytes, hashChunks of
// them in flight.
const (
	hashChunk  = 1 << 20
	hashChunks = 4
)

// HashingReader reads r ahead on its own goroutine and hashes (SHA-256) what
// it reads there, so that checking an archive's hash while decoding it does
// not slow the decoder (docs/architecture.md, "Resources": inline hashing costs a restore about 30%).
// Read it to io.EOF before Sum; Close it when done, also early.
type HashingReader struct {
	full chan hashedChunk
	free chan []byte
	stop chan struct{}
	done chan struct{}
	h    hash.Hash
	size int64

	buf  []byte // the chunk being consumed
	rest []byte // its unread part
	err  error  // sticky, after the last chunk
}

type hashedChunk struct {
	b   []byte
	err error
}

// NewHashingReader starts reading r; or hashes nothing and only counts the
// bytes when hash is false.
func NewHashingReader(r io.Reader, hash bool) *HashingReader {
	hr := &HashingReader{
		full: make(chan hashedChunk, hashChunks),
		free: make(chan []byte, hashChunks),
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	if hash {
		hr.h = sha256.New()
	}
	for range hashChunks {
		hr.free <- make([]byte, hashChunk)
	}
	go hr.run(r)
	return hr
}

func (hr *HashingReader) run(r io.Reader) {
	defer close(hr.done)
	defer close(hr.full)
	for {
		var b []byte
		select {
		case b = <-hr.free:
		case <-hr.stop:
			return
		}
		n, err := io.ReadFull(r, b)
		if errors.Is(err, io.ErrUnexpectedEOF) {
			err = io.EOF
		}
		if hr.h != nil {
			hr.h.Write(b[:n])
		}
		hr.size += int64(n)
		select {
		case hr.full <- hashedChunk{b[:n], err}:
		case <-hr.stop:
			return
		}
		if err != nil {
			return
		}
	}
}

func (hr *HashingReader) Read(p []byte) (int, error) {
	for len(hr.rest) == 0 {
		if hr.err != nil {
			return 0, hr.err
		}
		if hr.buf != nil {
			hr.free <- hr.buf[:cap(hr.buf)]
			hr.buf = nil
		}
		c, ok := <-hr.full
		if !ok {
			hr.err = io.ErrClosedPipe
			continue
		}
		hr.buf, hr.rest, hr.err = c.b, c.b, c.err
	}
	n := copy(p, hr.rest)
	hr.rest = hr.rest[n:]
	return n, nil
}

// Close stops the read-ahead and waits for it: r is no longer read after.
func (hr *HashingReader) Close() error {
	select {
	case <-hr.stop:
	default:
		close(hr.stop)
	}
	<-hr.done
	return nil
}

// Sum is the hex SHA-256 of everything read from r ("" when not hashing);
// Size is its length. Both are final once Read has returned io.EOF.
func (hr *HashingReader) Sum() string {
	<-hr.done
	if hr.h == nil {
		return ""
	}
	return hex.EncodeToString(hr.h.Sum(nil))
}

// Size is the number of bytes read from r; final once Read returned io.EOF.
func (hr *HashingReader) Size() int64 {
	<-hr.done
	return hr.size
}
