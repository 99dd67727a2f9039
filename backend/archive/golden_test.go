package archive

import (
	"archive/tar"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// updateGolden is the -update flag: rewrite golden files in testdata.
var updateGolden = flag.Bool("update", false, "rewrite golden files in testdata")

// typeWord names tar entry types in listings.
var typeWord = map[byte]string{
	tar.TypeReg: "file", tar.TypeDir: "dir", tar.TypeSymlink: "symlink", tar.TypeLink: "hardlink",
}

// listArchive lists an archive as "name type mode size link" lines. Rewind's
// own entries show their name and type only: their sizes hold uids.
func listArchive(t *testing.T, data []byte) string {
	t.Helper()
	zr, _, err := Decompress(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	tr := tar.NewReader(zr)
	var b strings.Builder
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(hdr.Name, MetaDir+"/") {
			fmt.Fprintf(&b, "%s %s\n", hdr.Name, typeWord[hdr.Typeflag])
			continue
		}
		fmt.Fprintf(&b, "%s %s %04o %d %s\n", hdr.Name, typeWord[hdr.Typeflag], hdr.Mode, hdr.Size, hdr.Linkname)
	}
	return b.String()
}

func TestGoldenListing(t *testing.T) {
	root := writeFixture(t, fixtureNodes)
	for _, c := range []Compression{Gzip, Zstd} {
		t.Run(string(c), func(t *testing.T) {
			data, _ := writeArchive(t, root, WriteOptions{Compression: c})
			got := listArchive(t, data)
			golden := filepath.Join("testdata", "golden_listing.txt")
			if *updateGolden && c == Gzip {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("listing differs from %s (rerun with -update if intended)\ngot:\n%s\nwant:\n%s", golden, got, want)
			}
		})
	}
}
