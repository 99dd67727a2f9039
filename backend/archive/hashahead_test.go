package archive

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

func TestHashingReaderHashesWhatItPassesOn(t *testing.T) {
	for _, n := range []int{0, 1, hashChunk - 1, hashChunk, hashChunks*hashChunk + 17} {
		in := bytes.Repeat([]byte("rewind!"), n/7+1)[:n]
		hr := NewHashingReader(iotest.HalfReader(bytes.NewReader(in)), true)
		out, err := io.ReadAll(iotest.OneByteReader(io.LimitReader(hr, 1<<40)))
		if err != nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
		sum := sha256.Sum256(in)
		if !bytes.Equal(out, in) || hr.Sum() != hex.EncodeToString(sum[:]) || hr.Size() != int64(n) {
			t.Errorf("%d bytes: passed on %d bytes (equal %v), size %d, sum %s", n, len(out), bytes.Equal(out, in), hr.Size(), hr.Sum())
		}
		hr.Close()
	}
}

func TestHashingReaderPassesErrorsOnAfterTheData(t *testing.T) {
	boom := errors.New("disk read error")
	hr := NewHashingReader(io.MultiReader(bytes.NewReader([]byte("abc")), iotest.ErrReader(boom)), true)
	defer hr.Close()
	out, err := io.ReadAll(hr)
	if string(out) != "abc" || !errors.Is(err, boom) {
		t.Fatalf("got %q, %v; want the data, then the read error", out, err)
	}
}

// Closing early stops the read-ahead: the source is not read after Close.
func TestHashingReaderCloseStopsReading(t *testing.T) {
	src := &hCountReader{r: bytes.NewReader(make([]byte, 64*hashChunk))}
	hr := NewHashingReader(src, true)
	if _, err := io.ReadFull(hr, make([]byte, 10)); err != nil {
		t.Fatal(err)
	}
	hr.Close()
	at := src.n
	if at > int64(hashChunks+2)*hashChunk {
		t.Errorf("read %d bytes ahead of a 10-byte read", at)
	}
	if src.n != at {
		t.Errorf("read on after Close: %d, then %d", at, src.n)
	}
}
