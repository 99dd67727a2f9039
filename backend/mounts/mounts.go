// Package mounts reports the mount points of this host, read from the
// kernel's own table (/proc/self/mountinfo on Linux). Mount points are facts
// to check before anything on disk changes: a rename never carries a mount
// away, and a tree is never removed through one.
package mounts

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// ErrUnsupported is returned where this platform gives no mount table.
var ErrUnsupported = errors.ErrUnsupported

// Mount is one line of the mount table.
type Mount struct {
	ID     int    // mount id
	Parent int    // id of the parent mount
	Dev    string // "major:minor" of the file system
	Root   string // the directory of the file system mounted here ("/" for a whole file system)
	Point  string // where it is mounted, absolute, escapes decoded
	FSType string // file system type, e.g. "ext4", "tmpfs"
	Source string // mount source, e.g. "/dev/sdb1"
}

// Read returns every mount of this process's mount namespace, in the
// kernel's order (a mount comes after the one it is mounted on).
func Read() ([]Mount, error) { return read() }

// Within returns every mount point at or below dir, dir resolved through
// symlinks first, sorted. dir itself is included when it is a mount point.
// Missing dir is an error.
func Within(dir string) ([]string, error) {
	d, err := resolve(dir)
	if err != nil {
		return nil, err
	}
	ms, err := Read()
	if err != nil {
		return nil, err
	}
	return within(ms, d), nil
}

func resolve(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	d, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", fmt.Errorf("resolve %s: %w", dir, err)
	}
	return d, nil
}

func within(ms []Mount, dir string) []string {
	var out []string
	for _, m := range ms {
		if m.Point == dir || dir == "/" || strings.HasPrefix(m.Point, dir+"/") {
			out = append(out, m.Point)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Parse reads a table in the format of /proc/<pid>/mountinfo (proc(5)).
func Parse(r io.Reader) ([]Mount, error) {
	var out []Mount
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" {
			continue
		}
		m, err := parseLine(line)
		if err != nil {
			return nil, fmt.Errorf("mount table line %d: %w", n, err)
		}
		out = append(out, m)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read mount table: %w", err)
	}
	return out, nil
}

// parseLine parses
// "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue".
func parseLine(line string) (Mount, error) {
	pre, post, ok := strings.Cut(line, " - ")
	if !ok {
		return Mount{}, fmt.Errorf("no separator in %q", line)
	}
	f := strings.Fields(pre)
	g := strings.Fields(post)
	if len(f) < 5 || len(g) < 1 {
		return Mount{}, fmt.Errorf("too few fields in %q", line)
	}
	id, err1 := strconv.Atoi(f[0])
	parent, err2 := strconv.Atoi(f[1])
	if err := errors.Join(err1, err2); err != nil {
		return Mount{}, fmt.Errorf("bad mount id in %q: %w", line, err)
	}
	m := Mount{ID: id, Parent: parent, Dev: f[2], Root: unescape(f[3]), Point: unescape(f[4]), FSType: g[0]}
	if len(g) > 1 {
		m.Source = unescape(g[1])
	}
	return m, nil
}

// unescape decodes the kernel's octal escapes (\040 space, \011 tab,
// \012 newline, \134 backslash).
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && isOctal(s[i+1]) && isOctal(s[i+2]) && isOctal(s[i+3]) {
			b.WriteByte((s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }
