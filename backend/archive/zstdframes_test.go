package archive

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os/exec"
	"testing"

	"github.com/klauspost/compress/zstd"
)

// TestFrameWriterRoundTrip: whatever the sizes and however the input is cut
// into writes, the frames decode, with Rewind's reader and with the zstd
// CLI, to exactly the input.
func TestFrameWriterRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, size := range []int{0, 1, zstdFrameSize - 1, zstdFrameSize, 3*zstdFrameSize + 4321} {
		in := make([]byte, size)
		for i := range in {
			if i%3 == 0 { // partly compressible
				in[i] = byte(rng.Uint32())
			} else {
				in[i] = 'a' + byte(i%7)
			}
		}
		var out bytes.Buffer
		fw, err := newFrameWriter(&out, zstd.SpeedFastest)
		if err != nil {
			t.Fatal(err)
		}
		for b := in; len(b) > 0; {
			n := min(len(b), 1+rng.IntN(1<<20))
			if _, err := fw.Write(b[:n]); err != nil {
				t.Fatal(err)
			}
			b = b[n:]
		}
		if err := fw.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write([]byte("x")); err == nil {
			t.Errorf("size %d: Write after Close succeeded", size)
		}
		zr, _, err := Decompress(bytes.NewReader(out.Bytes()))
		if err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		var got bytes.Buffer
		if _, err := got.ReadFrom(zr); err != nil {
			t.Fatalf("size %d: decode: %v", size, err)
		}
		if !bytes.Equal(got.Bytes(), in) {
			t.Fatalf("size %d: decoded %d bytes that differ from the input", size, got.Len())
		}
		if _, err := exec.LookPath("zstd"); err == nil {
			cmd := exec.Command("zstd", "-d", "-c")
			cmd.Stdin = bytes.NewReader(out.Bytes())
			cli, err := cmd.Output()
			if err != nil || !bytes.Equal(cli, in) {
				t.Fatalf("size %d: zstd -d: %v, %d bytes, equal %v", size, err, len(cli), bytes.Equal(cli, in))
			}
		}
	}
}

// A failing destination (a full disk) stops the writer with that error and
// Close still returns it, after waiting for every compressing goroutine.
func TestFrameWriterReportsWriteErrors(t *testing.T) {
	fw, err := newFrameWriter(&failingWriter{limit: 100}, zstd.SpeedFastest)
	if err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte("0123456789abcdef"), zstdFrameSize/16)
	var werr error
	for i := 0; i < 8 && werr == nil; i++ {
		_, werr = fw.Write(chunk)
	}
	if !errors.Is(werr, errDiskFull) {
		t.Fatalf("Write err = %v, want the destination's error", werr)
	}
	if err := fw.Close(); err == nil {
		t.Fatal("Close after a failed write returned nil")
	}
}
