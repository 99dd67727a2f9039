package realpath

import (
	"os"
	"path/filepath"
	"testing"
)

func TestResolveAndWithin(t *testing.T) {
	base, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	proj := filepath.Join(base, "proj")
	if err := os.MkdirAll(filepath.Join(proj, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(base, "link")
	if err := os.Symlink("proj/sub", link); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		p, want string
		inside  bool
	}{
		{proj, proj, true},
		{filepath.Join(link, "not", "yet"), filepath.Join(proj, "sub", "not", "yet"), true},
		{link, filepath.Join(proj, "sub"), true},
		{filepath.Join(base, "projx"), filepath.Join(base, "projx"), false},
		{base, base, false},
	}
	for _, c := range cases {
		got, err := Resolve(c.p)
		if err != nil || got != c.want {
			t.Errorf("Resolve(%s) = %s, %v; want %s", c.p, got, err, c.want)
		}
		in, err := Within(proj, c.p)
		if err != nil || in != c.inside {
			t.Errorf("Within(proj, %s) = %v, %v; want %v", c.p, in, err, c.inside)
		}
	}
	if !Same(link, filepath.Join(proj, "sub")) || Same(link, proj) {
		t.Error("Same: want true for a link and its target only")
	}
}
