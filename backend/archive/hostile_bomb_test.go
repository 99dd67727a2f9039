package archive

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// hGzipBomb builds an archive whose one file holds size zero bytes (size a
// multiple of 1 MiB) while its manifest declares declared bytes. The zeros are
// one small gzip member of 1 MiB repeated, so building it is cheap.
func hGzipBomb(t testing.TB, size, declared int64) []byte {
	t.Helper()
	file := tar.Header{Typeflag: tar.TypeReg, Name: "bomb", Mode: 0o644, Size: size, ModTime: hTime}
	index := []Entry{{Path: "bomb", Type: TypeFile, Size: size, Mode: 0o644, MTime: hTime, SHA256: strings.Repeat("0", 64)}}
	m := Manifest{FormatVersion: FormatVersion, Deployment: "shop", Compression: Gzip,
		Totals: Totals{Entries: 1, Files: 1, Bytes: declared}}

	var head bytes.Buffer
	tw := tar.NewWriter(&head)
	mj, _ := json.Marshal(m)
	hWrite(t, tw, &head, hEntry{hdr: tar.Header{Typeflag: tar.TypeReg, Name: ManifestName, Mode: 0o644, Size: int64(len(mj)), ModTime: hTime}, body: mj})
	if err := tw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := tw.WriteHeader(&file); err != nil { // the header is written now; its body never is
		t.Fatal(err)
	}

	var tail bytes.Buffer
	tw = tar.NewWriter(&tail)
	ij, _ := json.Marshal(index[0])
	ij = append(ij, '\n')
	hWrite(t, tw, &tail, hEntry{hdr: tar.Header{Typeflag: tar.TypeReg, Name: IndexName, Mode: 0o644, Size: int64(len(ij)), ModTime: hTime}, body: ij})
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}

	out := hCompress(head.Bytes(), false)
	zeros := hCompress(make([]byte, 1<<20), false)
	for range size >> 20 {
		out = append(out, zeros...)
	}
	return append(out, hCompress(tail.Bytes(), false)...)
}

// hZstdRaw wraps data in a handcrafted zstd frame of raw blocks whose header
// declares a window of 1<<windowLog bytes.
func hZstdRaw(data []byte, windowLog int) []byte {
	out := []byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, byte((windowLog - 10) << 3)}
	for {
		n := min(len(data), 64<<10)
		last := 0
		if n == len(data) {
			last = 1
		}
		h := n<<3 | last // block type 0: raw
		out = append(out, byte(h), byte(h>>8), byte(h>>16))
		out = append(out, data[:n]...)
		data = data[n:]
		if last == 1 {
			return out
		}
	}
}
