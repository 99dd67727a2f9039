package archive

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/klauspost/pgzip"
)

func TestWriteVerifyRoundTrip(t *testing.T) {
	src := writeFixture(t, fixtureNodes)
	for _, c := range []Compression{Gzip, Zstd} {
		t.Run(string(c), func(t *testing.T) {
			data, res := writeArchive(t, src, WriteOptions{Compression: c})
			var last Progress
			got, err := Verify(context.Background(), bytes.NewReader(data), func(p Progress) { last = p })
			if err != nil {
				t.Fatal(err)
			}
			if got.SHA256 != res.SHA256 || got.Size != res.Size || got.Size != int64(len(data)) {
				t.Errorf("verify sha256/size = %s/%d, write said %s/%d (len %d)", got.SHA256, got.Size, res.SHA256, res.Size, len(data))
			}
			treeHash, _, err := hashTree(context.Background(), src, nil)
			if err != nil {
				t.Fatal(err)
			}
			if g := TreeHash(got.Entries); g != treeHash || got.TreeHash != treeHash {
				t.Errorf("TreeHash(index) = %s (result %s), HashTree(source) = %s", g, got.TreeHash, treeHash)
			}
			w, err := VerifyWriting(context.Background(), bytes.NewReader(data), writtenPlan(res))
			if err != nil {
				t.Fatal(err)
			}
			if w.Size != res.Size || w.Manifest.Totals != res.totals() {
				t.Errorf("VerifyWriting size %d, totals %+v; want %d, %+v", w.Size, w.Manifest.Totals, res.Size, res.totals())
			}
			if got.Manifest.Deployment != "dep-1" || got.Manifest.Compression != c || got.Manifest.Totals != res.totals() {
				t.Errorf("manifest = %+v, want deployment dep-1, %s, totals %+v", got.Manifest, c, res.totals())
			}
			if last.BytesDone != last.BytesTotal || last.FilesDone != last.FilesTotal || last.FilesTotal != res.Files {
				t.Errorf("final progress = %+v, want all of %d files done", last, res.Files)
			}
		})
	}
}

// totals recomputes Totals from a write result.
func (r WriteResult) totals() Totals {
	return Totals{Entries: int64(len(r.Entries)), Files: r.Files, Bytes: r.Bytes}
}

func TestWriteVerifyEmptyTree(t *testing.T) {
	data, res := writeArchive(t, t.TempDir(), WriteOptions{})
	got, err := Verify(context.Background(), bytes.NewReader(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Entries) != 0 || got.Manifest.Totals != (Totals{}) || got.TreeHash != res.TreeHash {
		t.Errorf("empty tree verified as %+v, want no entries and tree hash %s", got, res.TreeHash)
	}
}

func TestVerifyDetectsDamage(t *testing.T) {
	src := writeFixture(t, fixtureNodes)
	writeBulkTree(t, src, 40, 64<<10) // enough content that the middle is file data
	for _, c := range []Compression{Gzip, Zstd} {
		data, res := writeArchive(t, src, WriteOptions{Compression: c})
		tests := []struct {
			name  string
			data  []byte
			wants []error // any of these
		}{
			{"flipped byte in the middle", flipByte(data, len(data)/2), []error{ErrCorrupt, ErrIndexMismatch}},
			{"truncated", data[:len(data)*2/3], []error{ErrTruncated}},
			{"truncated before the end", data[:len(data)-3], []error{ErrTruncated}},
			{"trailing garbage", append(bytes.Clone(data), "garbage after the end"...), []error{ErrCorrupt}},
			// Shorter than a gzip header: the decoder sees a cut-off next member.
			{"short trailing garbage", append(bytes.Clone(data), "junk"...), []error{ErrCorrupt, ErrTruncated}},
			{"trailing zeros", append(bytes.Clone(data), make([]byte, 512)...), []error{ErrCorrupt}},
			{"not an archive", []byte("hello, this is plain text"), []error{ErrNotArchive}},
			{"empty", nil, []error{ErrNotArchive}},
		}
		for _, tt := range tests {
			t.Run(string(c)+"/"+tt.name, func(t *testing.T) {
				_, err := Verify(context.Background(), bytes.NewReader(tt.data), nil)
				assertIsAny(t, err, tt.wants)
				// Without files' hashes, the codec's checksum still catches it.
				_, err = VerifyWriting(context.Background(), bytes.NewReader(tt.data), writtenPlan(res))
				assertIsAny(t, err, tt.wants)
			})
		}
	}
}

func TestVerifyDetectsLies(t *testing.T) {
	src := writeFixture(t, fixtureNodes)
	data, res := writeArchive(t, src, WriteOptions{})
	tests := []struct {
		name string
		edit func(hdr *tar.Header, body []byte) ([]byte, bool) // new body, keep
		want error
		// content: only files' hashes reveal it, which VerifyWriting leaves
		// to the writer (the rewrite produces a valid codec checksum).
		content bool
	}{
		{"index lies about a size", editIndex(func(e *Entry) {
			if e.Path == "app/run.sh" {
				e.Size++
			}
		}), ErrIndexMismatch, false},
		{"index lies about a hash", editIndex(func(e *Entry) {
			if e.Path == "data/db.bin" {
				e.SHA256 = strings.Repeat("0", 64)
			}
		}), ErrIndexMismatch, true},
		{"index lies about a link", editIndex(func(e *Entry) {
			if e.Path == "data/compose-link" {
				e.Link = "/etc/passwd"
			}
		}), ErrIndexMismatch, false},
		{"content changed", func(hdr *tar.Header, body []byte) ([]byte, bool) {
			if hdr.Name == "app/compose.yaml" {
				body = bytes.ToUpper(body)
			}
			return body, true
		}, ErrIndexMismatch, true},
		{"entry missing from the archive", func(hdr *tar.Header, body []byte) ([]byte, bool) {
			return body, hdr.Name != "app/run.sh"
		}, ErrIndexMismatch, false},
		{"index lists an extra entry", func(hdr *tar.Header, body []byte) ([]byte, bool) {
			if hdr.Name == IndexName {
				body = append(body, `{"path":"ghost","type":"dir","size":0,"mode":493}`+"\n"...)
			}
			return body, true
		}, ErrIndexMismatch, false},
		{"manifest lies about totals", func(hdr *tar.Header, body []byte) ([]byte, bool) {
			if hdr.Name == ManifestName {
				body = bytes.Replace(body, []byte(`"files": 6`), []byte(`"files": 5`), 1)
			}
			return body, true
		}, ErrIndexMismatch, false},
		{"missing manifest", func(hdr *tar.Header, body []byte) ([]byte, bool) {
			return body, hdr.Name != ManifestName
		}, ErrNoManifest, false},
		{"invalid manifest", func(hdr *tar.Header, body []byte) ([]byte, bool) {
			if hdr.Name == ManifestName {
				body = []byte("{not json")
			}
			return body, true
		}, ErrNoManifest, false},
		{"missing index", func(hdr *tar.Header, body []byte) ([]byte, bool) {
			return body, hdr.Name != IndexName
		}, ErrNoIndex, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lied := rewriteArchive(t, data, tt.edit)
			_, err := Verify(context.Background(), bytes.NewReader(lied), nil)
			assertIsAny(t, err, []error{tt.want})
			if !tt.content {
				_, err = VerifyWriting(context.Background(), bytes.NewReader(lied), writtenPlan(res))
				assertIsAny(t, err, []error{tt.want})
			}
		})
	}
	t.Run("untouched rewrite passes", func(t *testing.T) {
		same := rewriteArchive(t, data, func(_ *tar.Header, body []byte) ([]byte, bool) { return body, true })
		if _, err := Verify(context.Background(), bytes.NewReader(same), nil); err != nil {
			t.Fatalf("a faithful rewrite fails: %v", err)
		}
	})
}

// writtenPlan is the plan an archive was written from, as VerifyWriting
// gets it: the entries without their content hashes.
func writtenPlan(res WriteResult) *Plan {
	p := &Plan{Entries: slices.Clone(res.Entries), Totals: res.totals()}
	for i := range p.Entries {
		p.Entries[i].SHA256 = ""
	}
	return p
}

// VerifyWriting compares the stream with what was written, entry by entry.
func TestVerifyWritingComparesWithThePlan(t *testing.T) {
	src := writeFixture(t, fixtureNodes)
	data, res := writeArchive(t, src, WriteOptions{})
	verifyWith := func(edit func(p *Plan)) error {
		p := writtenPlan(res)
		edit(p)
		_, err := VerifyWriting(context.Background(), bytes.NewReader(data), p)
		return err
	}
	if err := verifyWith(func(*Plan) {}); err != nil {
		t.Fatalf("the plan written: %v", err)
	}
	cases := map[string]func(p *Plan){
		"a size differs":      func(p *Plan) { p.Entries[len(p.Entries)-1].Size++ },
		"an entry is missing": func(p *Plan) { p.Entries = p.Entries[:len(p.Entries)-1] },
		"an extra entry":      func(p *Plan) { p.Entries = append(p.Entries, Entry{Path: "ghost", Type: TypeDir}) },
		"the order differs":   func(p *Plan) { p.Entries[0], p.Entries[1] = p.Entries[1], p.Entries[0] },
	}
	for name, edit := range cases {
		if err := verifyWith(edit); !errors.Is(err, ErrIndexMismatch) {
			t.Errorf("%s: err = %v, want ErrIndexMismatch", name, err)
		}
	}
	// An index line for a file without its content hash.
	noHash := rewriteArchive(t, data, editIndex(func(e *Entry) {
		if e.Type == TypeFile {
			e.SHA256 = ""
		}
	}))
	if _, err := VerifyWriting(context.Background(), bytes.NewReader(noHash), writtenPlan(res)); !errors.Is(err, ErrIndexMismatch) {
		t.Errorf("index without content hashes: err = %v, want ErrIndexMismatch", err)
	}
}

func TestReadManifest(t *testing.T) {
	src := writeFixture(t, fixtureNodes)
	data, res := writeArchive(t, src, WriteOptions{Compression: Zstd})
	m, err := ReadManifest(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	want := testManifest()
	if m.Deployment != want.Deployment || !m.CreatedAt.Equal(want.CreatedAt) || m.FormatVersion != FormatVersion ||
		m.Compression != Zstd || m.Totals != res.totals() || len(m.Services) != 1 {
		t.Errorf("ReadManifest = %+v, want %+v with totals %+v", m, want, res.totals())
	}
	if _, err := ReadManifest(strings.NewReader("plain text")); !errors.Is(err, ErrNotArchive) {
		t.Errorf("ReadManifest(text) error = %v, want ErrNotArchive", err)
	}
}

func assertIsAny(t *testing.T, err error, wants []error) {
	t.Helper()
	for _, w := range wants {
		if errors.Is(err, w) {
			return
		}
	}
	t.Errorf("error = %v, want one of %v", err, wants)
}

func flipByte(data []byte, at int) []byte {
	out := bytes.Clone(data)
	out[at] ^= 0xff
	return out
}

// editIndex returns an edit that rewrites every index line through fn.
func editIndex(fn func(*Entry)) func(*tar.Header, []byte) ([]byte, bool) {
	return func(hdr *tar.Header, body []byte) ([]byte, bool) {
		if hdr.Name != IndexName {
			return body, true
		}
		var out bytes.Buffer
		for _, line := range bytes.Split(bytes.TrimSpace(body), []byte("\n")) {
			var e Entry
			if err := json.Unmarshal(line, &e); err != nil {
				panic(err)
			}
			fn(&e)
			b, _ := json.Marshal(e)
			out.Write(append(b, '\n'))
		}
		return out.Bytes(), true
	}
}

// rewriteArchive decodes a gzip archive and re-encodes it through edit.
func rewriteArchive(t *testing.T, data []byte, edit func(*tar.Header, []byte) ([]byte, bool)) []byte {
	t.Helper()
	zr, _, err := Decompress(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	tr := tar.NewReader(zr)
	var out bytes.Buffer
	zw := pgzip.NewWriter(&out)
	tw := tar.NewWriter(zw)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		body, keep := edit(hdr, body)
		if !keep {
			continue
		}
		if hdr.Typeflag == tar.TypeReg {
			hdr.Size = int64(len(body))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
