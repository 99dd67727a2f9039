package mounts

import (
	"slices"
	"strings"
	"testing"
)

func TestParseDecodesEscapes(t *testing.T) {
	table := `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
37 36 0:45 / /srv/my\040data\011x\134y rw,relatime shared:7 master:2 - tmpfs none\040a rw
`
	ms, err := Parse(strings.NewReader(table))
	if err != nil {
		t.Fatal(err)
	}
	want := []Mount{
		{ID: 36, Parent: 35, Dev: "98:0", Root: "/mnt1", Point: "/mnt2", FSType: "ext3", Source: "/dev/root"},
		{ID: 37, Parent: 36, Dev: "0:45", Root: "/", Point: "/srv/my data\tx\\y", FSType: "tmpfs", Source: "none a"},
	}
	if !slices.Equal(ms, want) {
		t.Fatalf("Parse = %+v\nwant %+v", ms, want)
	}
	if got := within(ms, "/srv"); !slices.Equal(got, []string{"/srv/my data\tx\\y"}) {
		t.Fatalf("within(/srv) = %q", got)
	}
}

func TestParseRejectsMalformedLines(t *testing.T) {
	for _, line := range []string{"36 35 98:0 / /mnt rw", "x 35 98:0 / /mnt rw - ext4 /dev/a rw", "36 35 - ext4"} {
		if _, err := Parse(strings.NewReader(line + "\n")); err == nil {
			t.Errorf("Parse(%q) succeeded", line)
		}
	}
}
