package archive

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"testing"
)

// hSmallValid is a small legitimate tree, a compact seed for the fuzzer.
func hSmallValid() *hArchive {
	return &hArchive{entries: []hEntry{
		hDir("app"),
		hFile("app/compose.yml", "services: {}\n"),
		hLink("app/compose.link", "app/compose.yml"),
		hSymlink("app/current", "compose.yml"),
		hSymlink("outside", "../elsewhere"),
		hMode(hDir("data"), 0o750),
		hMode(hFile("data/d.bin", "0123456789"), 0o4600),
		hDir("empty"),
		hFile("é.txt", ""),
	}}
}

// FuzzExtract feeds the extractor mutated archives: compressed streams as
// they are, or (gz true) tar streams that the harness gzips, so that the
// fuzzer can reach the tar and policy layers. Invariant: an error, or a
// staging tree that equals the returned index; never a change outside
// staging. Inputs of odd length run with two writer goroutines.
func FuzzExtract(f *testing.F) {
	seedEnv := hEnv{base: "/rewind-fuzz", staging: "/rewind-fuzz/staging", victim: "/rewind-fuzz/victim"}
	small := hSmallValid()
	f.Add(small.build(f), false)
	f.Add(small.tarBytes(f), true)
	for _, c := range hostileCorpus() {
		data := c.data(f, seedEnv)
		if len(data) > 16<<10 {
			continue
		}
		raw, ok := hGunzip(data, 16<<10)
		if ok {
			f.Add(raw, true)
		}
		if ok || !bytes.HasPrefix(data, []byte{0x1f, 0x8b}) { // small, or not gzip at all
			f.Add(data, false)
		}
	}
	for _, c := range hostileNamesLinux() { // names only Linux accepts
		f.Add((&hArchive{entries: c.entries}).tarBytes(f), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, gz bool) {
		if gz {
			data = hGzipFast(data)
		}
		env := hNewEnv(t)
		before := hTreeHash(t, env.base, "staging")
		opts := ExtractOptions{MaxEntries: 4096, MaxBytes: 16 << 20, Workers: 2 * (len(data) % 2)}
		res, err := Extract(context.Background(), bytes.NewReader(data), env.staging, opts)
		if err == nil {
			if cerr := hCompareTree(env.staging, res.Entries); cerr != nil {
				t.Fatalf("extracted tree differs from the index: %v", cerr)
			}
		}
		hAssertContained(t, env, before)
	})
}

// hGunzip returns the decompressed data when it is gzip and at most max bytes.
func hGunzip(data []byte, max int64) ([]byte, bool) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, false
	}
	raw, err := io.ReadAll(io.LimitReader(zr, max+1))
	if err != nil || int64(len(raw)) > max {
		return nil, false
	}
	return raw, true
}

// hGzipFast compresses with the standard library at its fastest level, which
// is cheaper per call than pgzip's writer.
func hGzipFast(data []byte) []byte {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	hMust(err)
	_, err = zw.Write(data)
	hMust(err)
	hMust(zw.Close())
	return buf.Bytes()
}
