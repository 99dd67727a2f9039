package restore

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"rewind/backend/backup"
)

// FIFOs, sockets and device nodes are not archived. A restore leaves the
// live ones where they are (the preview says so and does not count them as
// removed), the backup's warning names them in words.
func TestSpecialFilesStayInPlace(t *testing.T) {
	for _, mode := range []Mode{Full, App, Data} {
		t.Run(string(mode), func(t *testing.T) { testSpecialFilesStayInPlace(t, mode) })
	}
}

func testSpecialFilesStayInPlace(t *testing.T, mode Mode) {
	f := newFixture(t)
	ctx := context.Background()
	root := f.dep.Path
	fifo := filepath.Join(root, "data", "queue.fifo")
	if err := unix.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(root, "data", "run"), 0o755)
	sock := filepath.Join(root, "data", "run", "app.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close()
	specials := []string{"data/queue.fifo", "data/run/app.sock"}
	if os.Geteuid() == 0 {
		if err := unix.Mknod(filepath.Join(root, "app", "null"), syscall.S_IFCHR|0o666, int(unix.Mkdev(1, 3))); err != nil {
			t.Fatal(err)
		}
		specials = append(specials, "app/null")
	}
	slices.Sort(specials)
	cr, err := f.backups.Create(ctx, f.dep, backup.CreateRequest{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"skipped a named pipe: data/queue.fifo (not archived; a restore leaves it in place)",
		"skipped a socket: data/run/app.sock (not archived; a restore leaves it in place)",
	} {
		if !slices.Contains(cr.Warnings, want) {
			t.Errorf("backup warnings %q\nwant %q", cr.Warnings, want)
		}
	}
	before := map[string]uint64{}
	for _, p := range specials {
		before[p] = inodeOf(filepath.Join(root, p))
	}
	write(t, root, "data/db.json", "changed again")

	p, err := f.r.Plan(ctx, f.dep, cr.Record.ID, mode)
	if err != nil {
		t.Fatal(err)
	}
	inScope := slices.DeleteFunc(slices.Clone(specials), func(s string) bool {
		return (mode == Data) != (s[:5] == "data/") && mode != Full
	})
	if !slices.Equal(p.Kept, inScope) {
		t.Errorf("plan kept %v, want %v", p.Kept, inScope)
	}
	if p.Removed.Files != 0 {
		t.Errorf("plan removes %d files, want 0: the special files stay", p.Removed.Files)
	}
	if _, err := f.r.Run(ctx, f.dep, cr.Record.ID, Options{Mode: mode, Confirmed: true}, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := f.read(t, "data/db.json"), `{"rows":2,"more":true}`; got != want && mode != App {
		t.Errorf("data/db.json: got %q, want %q", got, want)
	}
	for _, p := range specials {
		st, err := os.Lstat(filepath.Join(root, p))
		if err != nil {
			t.Errorf("%s after the restore: %v", p, err)
			continue
		}
		if st.Mode().IsRegular() || st.IsDir() || inodeOf(filepath.Join(root, p)) != before[p] {
			t.Errorf("%s is not the same special file after the restore: %v", p, st.Mode())
		}
	}
}

// inodeOf is p's inode number, 0 when it is missing.
func inodeOf(p string) uint64 {
	var st unix.Stat_t
	if unix.Lstat(p, &st) != nil {
		return 0
	}
	return st.Ino
}
